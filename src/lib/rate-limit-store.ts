import { MemoryStore, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
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

/** A fixed-window limit: `points` per `windowMs` (rounded up to whole seconds, as Redis expires keys). */
export interface LimiterSpec {
  points: number;
  windowMs: number;
}

/** Makes one named limiter (rate-limiter-flexible); each name is a key space of its own. */
export type LimiterFactory = (name: string, spec: LimiterSpec) => RateLimiterAbstract;

/** What a consumption answered: allowed, or refused with the milliseconds until the window resets. */
export interface Consumed {
  allowed: boolean;
  msBeforeNext: number;
  /** Points left in the window after this consumption. */
  remaining: number;
}

const windowSeconds = (windowMs: number) => Math.max(1, Math.ceil(windowMs / 1000));

/**
 * rate-limiter-flexible limiters: in Redis when the app runs as several instances (REDIS_URL), so
 * every instance counts against one limit; in this process's memory otherwise (keys expire with
 * their window, so the memory does not grow with the number of users seen).
 */
export function flexibleLimiters(redis: RedisClient | undefined): LimiterFactory {
  return (name, { points, windowMs }) => {
    const options = { keyPrefix: `parley:rlf:${name}`, points, duration: windowSeconds(windowMs) };
    if (!redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      useRedisPackage: true,
      // While Redis is away, count in this process instead of queueing every event until it is back.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };
}

/** Consumes points; a refusal is an answer, not an exception (store errors still throw). */
export async function tryConsume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<Consumed> {
  try {
    const res = await limiter.consume(key, points);
    return { allowed: true, msBeforeNext: res.msBeforeNext, remaining: res.remainingPoints };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, msBeforeNext: error.msBeforeNext, remaining: 0 };
    throw error;
  }
}
