import { afterAll, describe, expect, it, vi } from 'vitest';
import { flexibleLimiters, tryConsume } from '../../src/lib/rate-limit-store.js';
import { closeRedis, connectRedis, type RedisClient } from '../../src/lib/redis.js';
import { memoryLogger } from '../support/app.js';
import { startRedisServer } from '../support/redis-server.js';

const clients: RedisClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => closeRedis(client)));
});

describe('rate-limiter-flexible limiters', () => {
  it('when two clients use one Redis, then they count against one limit', async () => {
    const redis = await startRedisServer();
    const logger = memoryLogger().logger;
    const [one, two] = await Promise.all([connectRedis(redis.url, logger), connectRedis(redis.url, logger)]);
    clients.push(one, two);
    const spec = { points: 3, windowMs: 60_000 };
    const [first, second] = [flexibleLimiters(one)('shared', spec), flexibleLimiters(two)('shared', spec)];

    const answers = [await tryConsume(first, 'u1'), await tryConsume(second, 'u1'), await tryConsume(first, 'u1', 1)];
    const refused = await tryConsume(second, 'u1');

    expect(answers.map((answer) => answer.allowed)).toEqual([true, true, true]);
    expect(refused.allowed).toBe(false);
    expect(refused.msBeforeNext).toBeGreaterThan(0);
    expect((await tryConsume(second, 'u2')).allowed).toBe(true);
    await redis.stop();
  });

  it('when Redis goes away, then the limits are counted in this process instead of waiting for it', async () => {
    const redis = await startRedisServer();
    const client = await connectRedis(redis.url, memoryLogger().logger);
    clients.push(client);
    const limiter = flexibleLimiters(client)('outage', { points: 2, windowMs: 60_000 });
    await redis.stop();
    await vi.waitFor(() => expect(client.isReady).toBe(false));

    const answers = [await tryConsume(limiter, 'u1'), await tryConsume(limiter, 'u1'), await tryConsume(limiter, 'u1')];

    expect(answers.map((answer) => answer.allowed)).toEqual([true, true, false]);
  });

  it('when a window is shorter than a second, then it is kept in Redis for a whole second and then refills', async () => {
    const redis = await startRedisServer();
    const client = await connectRedis(redis.url, memoryLogger().logger);
    clients.push(client);
    const limiter = flexibleLimiters(client)('short', { points: 1, windowMs: 200 });

    expect((await tryConsume(limiter, 'u1')).allowed).toBe(true);
    expect((await tryConsume(limiter, 'u1')).allowed).toBe(false);
    await vi.waitFor(async () => expect((await tryConsume(limiter, 'u1')).allowed).toBe(true), { timeout: 5_000, interval: 200 });
    await redis.stop();
  });
});
