import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';

export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/** The binary `scripts/embedded-db.mjs --ensure` builds. */
export function ferretdbBinary(): string {
  const candidate = join(projectRoot, '.cache', 'ferretdb', 'ferretdb');
  if (existsSync(candidate)) return candidate;
  throw new Error(
    'The embedded database is not built yet: run `node scripts/embedded-db.mjs --ensure`, ' +
      'or set MONGODB_URI to use your own MongoDB.',
  );
}

/**
 * Starts FerretDB (SQLite backend) on 127.0.0.1, keeping its files under `dataDir`, and resolves
 * once it accepts connections.
 */
export async function startEmbeddedMongo(options: {
  dataDir: string;
  port?: number;
  logger?: Logger;
}): Promise<EmbeddedMongo> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    ferretdbBinary(),
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await waitUntilListening(child, port, () => stderr);
  options.logger?.info({ port, dataDir }, 'embedded database (FerretDB) started');
  return { uri: `mongodb://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

async function waitUntilListening(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The embedded database exited with code ${child.exitCode}: ${stderr()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The embedded database did not start within 20 s: ${stderr()}`);
}

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
