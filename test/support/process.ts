import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { projectRoot } from '../../src/lib/paths.js';

export interface RunningProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

/** Runs a TypeScript entry point (through tsx) as a real child process, with optional arguments. */
export function runTs(entry: string, env: NodeJS.ProcessEnv = {}, args: readonly string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((done, fail) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const match = output.match(pattern);
        if (match) {
          clearInterval(poll);
          done(match);
        } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
          clearInterval(poll);
          fail(new Error(`did not see ${pattern} in output:\n${output}`));
        }
      }, 50);
    });
  return { child, output: () => output, exited, waitFor };
}
