import { MemoryStore, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisClient } from './redis.js';

/** Makes the store of one named limiter; every limiter needs a store (and key prefix) of its own. */
export type RateLimitStoreFactory = (name: string) => Store;

/**
 * Where rate-limit counters live: in Redis when the app runs as several instances (REDIS_URL), so
 * an attempt counted by one instance counts on all; in this process's memory otherwise.
 */
export function rateLimitStores(redis: RedisClient | undefined): RateLimitStoreFactory {
  if (!redis) return () => new MemoryStore();
  return (name) =>
    new RedisStore({
      prefix: `parley:rl:${name}:`,
      sendCommand: (...args: string[]) => redis.sendCommand(args) as Promise<RedisReply>,
    });
}
