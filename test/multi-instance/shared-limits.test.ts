import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startDeeplServer, type DeeplServer } from '../support/deepl-server.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { signIn, type SignedIn } from '../support/chat-users.js';

useTestDatabase('shared_limits');

const CHARACTER_BUDGET = 3_000;

let redis: RedisServer;
let deepl: DeeplServer;
let instanceA: AppInstance;
let instanceB: AppInstance;

beforeAll(async () => {
  [redis, deepl] = await Promise.all([startRedisServer(), startDeeplServer()]);
  const config = instanceConfig({
    REDIS_URL: redis.url,
    DEEPL_SERVER_URL: deepl.url,
    TRANSLATE_CHARACTERS_PER_MINUTE: String(CHARACTER_BUDGET),
  });
  [instanceA, instanceB] = await Promise.all([startAppInstance(config), startAppInstance(config)]);
});

afterAll(async () => {
  await Promise.all([instanceA?.stop(), instanceB?.stop()]);
  await Promise.all([redis?.stop(), deepl?.close()]);
});

/** `count` distinct texts of `length` characters each. */
const texts = (count: number, length: number): string[] =>
  Array.from({ length: count }, (_, index) => `${index} ${Math.random().toString(36).slice(2)} `.padEnd(length, 'y'));

async function translate(instance: AppInstance, user: SignedIn, batch: string[]): Promise<Response> {
  return fetch(`${instance.url}/translate`, {
    method: 'POST',
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ texts: batch, target_lang: 'DE', source_lang: 'ES' }),
  });
}

describe('rate limits shared by two app instances over Redis', () => {
  it('when a user translates on both instances, then both draw on one character budget', async () => {
    const customer = await signIn(instanceA, 'customer', await createCustomer());
    deepl.resetCounts();

    const first = await translate(instanceA, customer, texts(2, 1_000));
    const second = await translate(instanceB, customer, texts(2, 1_000));
    const small = await translate(instanceB, customer, texts(1, 1_000));

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(small.status).toBe(200);
    expect(deepl.characters).toBe(CHARACTER_BUDGET);
  });
});
