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
import { spawnSync } from 'node:child_process';
import { freePort, startLocalServer } from '../../src/lib/local-server.js';

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
  const server = await startLocalServer({
    name: 'redis-server',
    command: redisServerBinary(),
    // No RDB snapshots, no AOF, no config file: a pure in-memory server that leaves nothing behind.
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'],
    port,
    timeoutMs: 10_000,
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: server.stop };
}
