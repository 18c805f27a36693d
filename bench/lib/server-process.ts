/**
 * The app under load runs as its own process (`src/server.ts`, production mode) so its memory and
 * CPU are its own and the load generator does not share its event loop. Its database is an
 * embedded FerretDB this benchmark starts, on loopback.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from '../../src/lib/embedded-mongo.js';
import { projectRoot } from '../../src/lib/paths.js';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident memory of the server process, in bytes (Linux /proc). */
  rss(): number;
  /** CPU time the server process has used so far (user + system), in milliseconds. */
  cpuMs(): number;
  output(): string;
  stop(): Promise<void>;
}

/** CPU time (user + system, ms) of a process, from /proc/<pid>/stat (Linux). */
export function processCpuMs(pid: number): number {
  // Fields 14 and 15 (utime, stime, in clock ticks), counted after the parenthesised name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The process listening with this argument on its command line (the embedded FerretDB). */
export function findProcess(argument: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(argument)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** Starts `script` (the app's server by default) on a free port and waits for its /healthz. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv,
  options: { cpuProfileDir?: string; script?: string; preload?: string } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const profiling = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const preload = options.preload ? ['--import', options.preload] : [];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...profiling, '--import', 'tsx', ...preload, options.script ?? 'src/server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  await waitForListening(url, () => output, child);
  const pid = child.pid!;
  return {
    url,
    pid,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    cpuMs: () => processCpuMs(pid),
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function waitForListening(url: string, output: () => string, child: ChildProcessWithoutNullStreams): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const healthy = await fetch(`${url}/healthz`).then((res) => res.ok, () => false);
    if (healthy) return;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${output()}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

/**
 * The server's driver command counts so far (bench/lib/server-instrumentation.ts writes them to
 * `file` when signalled), by command name.
 */
export async function commandCounts(pid: number, file: string): Promise<Record<string, number>> {
  const read = () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { sequence: number; counts: Record<string, number> };
    } catch {
      return { sequence: 0, counts: {} };
    }
  };
  const before = read().sequence;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const now = read();
    if (now.sequence > before) return now.counts;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error('the server did not report its database command counts');
}
