/**
 * A throwaway Redis for tests and benchmarks: Debian's `redis-server` on 127.0.0.1 and a free
 * port, nothing written to disk, stopped afterwards.
 *
 *   const redis = await startRedisServer();   // throws when redis-server is not installed
 *   const config = testConfig({ REDIS_URL: redis.url });
 *   await redis.stop();
 *
 * `.ci/run` installs redis-server on fresh machines; a missing binary is an error, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../../src/lib/embedded-mongo.js';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error('redis-server is not installed: `apt-get install redis-server` (.ci/run does this on fresh machines).');
  }
  return path;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    redisServerBinary(),
    // No RDB snapshots, no AOF, no config file: a pure in-memory server that leaves nothing behind.
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitUntilListening(child, port, () => output);
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stop(child) };
}

async function waitUntilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${output()}`);
    if (await canConnect(port)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start within 10 s: ${output()}`);
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

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}
