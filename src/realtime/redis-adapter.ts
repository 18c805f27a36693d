import { createAdapter } from '@socket.io/redis-adapter';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../lib/logger.js';
import { closeRedis, duplicateRedis, type RedisClient } from '../lib/redis.js';

export type AdapterConstructor = ServerOptions['adapter'];

export interface RealtimeAdapter {
  /** Pass to Socket.IO (`new Server(http, { adapter })`): rooms and broadcasts span every instance. */
  adapter: AdapterConstructor;
  close(): Promise<void>;
}

/**
 * The Socket.IO Redis adapter, so an event emitted on one app instance reaches sockets connected
 * to the others. Publishes on the shared client; listens on a duplicate of it, because a
 * subscribed connection can send nothing else.
 */
export async function createRedisAdapter(client: RedisClient, logger: Logger): Promise<RealtimeAdapter> {
  const subscriber = await duplicateRedis(client, logger, 'socket.io subscriber');
  return {
    adapter: createAdapter(client, subscriber, { key: 'parley:socket.io', publishOnSpecificResponseChannel: true }),
    close: () => closeRedis(subscriber),
  };
}
