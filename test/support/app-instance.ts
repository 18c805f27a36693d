/**
 * A whole Parley instance as src/server.ts runs it (composition root, Express app, HTTP server,
 * Socket.IO), in this process, on the database mongoose is connected to. Stopping and starting
 * one on the same port is an app restart as clients see it; two of them with one REDIS_URL are
 * two instances behind a load balancer.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { composeApplication } from '../../src/composition.js';
import type { Config } from '../../src/config.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { closeRedis, connectRedis } from '../../src/lib/redis.js';
import { memoryLogger, TEST_SESSION_SECRET, testConfig } from './app.js';

export interface AppInstance {
  url: string;
  port: number;
  app: Express;
  config: Readonly<Config>;
  /** Everything the instance logged (pino JSON lines). */
  logs: () => string[];
  /** Stops like a process exit would: sockets cut, HTTP server closed, Redis clients closed. */
  stop(): Promise<void>;
}

/** Test configuration every instance shares: one session secret, so one login works on all. */
export function instanceConfig(env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  return testConfig({ SESSION_SECRET: TEST_SESSION_SECRET, HOST: '127.0.0.1', ...env });
}

export async function startAppInstance(config: Readonly<Config>, options: { port?: number } = {}): Promise<AppInstance> {
  const { logger, lines } = memoryLogger('warn');
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const composition = composeApplication(config, logger, { redis });
  const { app } = composition;
  const server: Server = await listen(app, { port: options.port ?? 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    config,
    logs: lines,
    async stop() {
      if (stopped) return;
      stopped = true;
      await realtime.close();
      await closeServer(server, 500);
      if (redis) await closeRedis(redis);
    },
  };
}
