import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startDeeplServer, type DeeplServer } from '../support/deepl-server.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { connectChat, newClientId, signIn, startConversation, waitForConnection, type ChatConnection, type SignedIn } from '../support/chat-users.js';

useTestDatabase('shared_limits');

const CHARACTER_BUDGET = 3_000;

let redis: RedisServer;
let deepl: DeeplServer;
let instanceA: AppInstance;
let instanceB: AppInstance;
const connections: ChatConnection[] = [];

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
  await Promise.all(connections.map((connection) => connection.chat.close()));
  await Promise.all([instanceA?.stop(), instanceB?.stop()]);
  await Promise.all([redis?.stop(), deepl?.close()]);
});

/** `count` distinct texts of `length` characters each. */
const texts = (count: number, length: number): string[] =>
  Array.from({ length: count }, (_, index) => `${index} ${Math.random().toString(36).slice(2)} `.padEnd(length, 'y'));

async function connect(instance: AppInstance, user: SignedIn): Promise<ChatConnection> {
  const connection = connectChat(instance.url, user);
  connections.push(connection);
  await waitForConnection(connection);
  return connection;
}

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

  it('when a user sends messages from sockets on both instances, then one per-user limit counts them all', async () => {
    const customer = await signIn(instanceA, 'customer', await createCustomer());
    const conversationId = await startConversation(instanceA.url, customer);
    const sockets = [(await connect(instanceA, customer)).socket, (await connect(instanceB, customer)).socket];
    for (const socket of sockets) expect(await socket.emitWithAck('conversation:join', { conversationId })).toMatchObject({ ok: true });
    const send = (index: number) =>
      sockets[index % 2]!.emitWithAck('message:send', { conversationId, clientId: newClientId('s'), body: `message ${index}` });

    // The default limit is 20 messages per user and window: ten through each instance reach it only if shared.
    const answers = [];
    for (let index = 0; index < 20; index += 1) answers.push(await send(index));
    const refusedOnA = await send(0);
    const refusedOnB = await send(1);

    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(refusedOnA).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(refusedOnB).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});
