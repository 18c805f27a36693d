import { createClient, type RedisClientType } from 'redis';
import type { Logger } from './logger.js';

export type RedisClient = RedisClientType;

/** Between reconnect attempts: grows to at most 2 s, and never gives up (Redis may restart). */
const reconnectDelayMs = (retries: number) => Math.min(100 * 2 ** retries, 2_000);

/**
 * Connects a node-redis client to REDIS_URL. Connection errors are logged (once per outage, not
 * once per retry) instead of crashing the process; the client reconnects by itself.
 */
export async function connectRedis(url: string, logger: Logger, name = 'redis'): Promise<RedisClient> {
  const client = createClient({ url, socket: { reconnectStrategy: reconnectDelayMs, connectTimeout: 5_000 } });
  watch(client, logger, name);
  await client.connect();
  return client;
}

/** A second connection to the same server (a subscriber cannot send ordinary commands). */
export async function duplicateRedis(client: RedisClient, logger: Logger, name: string): Promise<RedisClient> {
  const duplicate = client.duplicate();
  watch(duplicate, logger, name);
  await duplicate.connect();
  return duplicate;
}

/** Sends what is queued, then closes; a client that never connected is just dropped. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

function watch(client: RedisClient, logger: Logger, name: string): void {
  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    logger.error({ err: error, client: name }, 'Redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (down) logger.info({ client: name }, 'Redis connection restored');
    down = false;
  });
}
