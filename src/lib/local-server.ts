import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { Logger } from './logger.js';

/** A server program of ours (embedded database, test Redis) running on 127.0.0.1. */
export interface LocalServer {
  port: number;
  /** The running process (a supervised server's changes on restart). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  timeoutMs?: number;
}

interface StartedServer extends LocalServer {
  child: ChildProcess;
  /** The program's last output, for a log line when it dies. */
  output(): string;
}

/**
 * Spawns `command` and resolves once it accepts TCP connections on 127.0.0.1:`port`; rejects with
 * the program's last output if it exits or does not start within `timeoutMs`.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  return spawnLocalServer(options);
}

async function spawnLocalServer(options: LocalServerOptions): Promise<StartedServer> {
  const child = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Without a listener, a failed spawn (ENOENT) would be an uncaught 'error' event.
  child.on('error', (error) => collect(Buffer.from(String(error))));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited with ${child.signalCode ?? `code ${child.exitCode}`}: ${output}`);
    }
    if (await canConnect(options.port)) {
      return { port: options.port, pid: child.pid, child, output: () => output, stop: () => stopChild(child) };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`${options.name} did not start in time: ${output}`);
}

export interface SupervisionOptions {
  logger?: Logger;
  /** First wait before a restart; doubled after each failed attempt, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

/**
 * Like startLocalServer, and when the program dies on its own (crash, OOM killer, kill -9) it is
 * logged at once and started again, same command and port, with exponential backoff.
 */
export async function superviseLocalServer(options: LocalServerOptions & SupervisionOptions): Promise<LocalServer> {
  const { logger, name } = options;
  const initialDelay = options.restartDelayMs ?? 500;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  let current = await spawnLocalServer(options);
  let stopping = false;
  let restarting: Promise<void> | undefined;

  const watch = (server: StartedServer) => {
    server.child.once('exit', (code, signal) => {
      if (stopping) return;
      logger?.error({ pid: server.pid, exitCode: code, signal, output: server.output().slice(-1000) || undefined }, `${name} exited unexpectedly; restarting it`);
      restarting = restart().finally(() => (restarting = undefined));
    });
  };

  const restart = async () => {
    for (let attempt = 1, delay = initialDelay; !stopping; attempt += 1, delay = Math.min(delay * 2, maxDelay)) {
      await sleep(delay);
      if (stopping) return;
      try {
        current = await spawnLocalServer(options);
      } catch (error) {
        logger?.error({ attempt, err: error }, `${name} did not restart; trying again`);
        continue;
      }
      if (stopping) return void (await current.stop());
      watch(current);
      logger?.warn({ pid: current.pid, port: options.port, attempt }, `${name} restarted`);
      return;
    }
  };

  watch(current);
  return {
    port: options.port,
    get pid() {
      return current.pid;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
