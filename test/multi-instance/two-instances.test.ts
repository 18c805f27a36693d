import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '../../src/contract/chat.js';
import { createCustomer, createRep, extractCsrfToken, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { connectChat, cookiesOf, newClientId, signIn, startConversation, waitForConnection, type ChatConnection, type SignedIn } from '../support/chat-users.js';

useTestDatabase('two_instances');

let redis: RedisServer;
let instanceA: AppInstance;
let instanceB: AppInstance;
let customer: SignedIn;
let rep: SignedIn;
const connections: ChatConnection[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const config = instanceConfig({ REDIS_URL: redis.url });
  [instanceA, instanceB] = await Promise.all([startAppInstance(config), startAppInstance(config)]);
  const [customerAccount, repAccount] = await Promise.all([createCustomer(), createRep()]);
  customer = await signIn(instanceA, 'customer', customerAccount);
  rep = await signIn(instanceB, 'rep', repAccount);
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.chat.close()));
  await Promise.all([instanceA?.stop(), instanceB?.stop()]);
  await redis?.stop();
});

async function connect(instance: AppInstance, user: SignedIn): Promise<ChatConnection> {
  const connection = connectChat(instance.url, user);
  connections.push(connection);
  await waitForConnection(connection);
  return connection;
}

/** One failed login through the real form (wrong password), answering the HTTP status. */
async function failedLogin(instance: AppInstance, account: TestAccount): Promise<number> {
  const page = await fetch(`${instance.url}/auth/customer/login`);
  const cookie = cookiesOf(page);
  const res = await fetch(`${instance.url}/auth/customer/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: account.username, password: 'not the password', _csrf: extractCsrfToken(await page.text()) }).toString(),
  });
  return res.status;
}

describe('two app instances sharing one Redis and one database', () => {
  it('when a customer on instance A and a rep on instance B chat, then each sees the other live', async () => {
    const customerChat = await connect(instanceA, customer);
    const repChat = await connect(instanceB, rep);
    const created = new Promise<ConversationSummary>((done) => repChat.chat.on('conversationCreated', done));
    await repChat.chat.subscribeDashboard();

    const conversationId = await startConversation(instanceA.url, customer);
    expect((await created).id).toBe(conversationId);
    await Promise.all([customerChat.chat.join(conversationId), repChat.chat.join(conversationId)]);

    const question = await customerChat.chat.send(conversationId, newClientId('a'), 'Mi pedido no ha llegado');
    await vi.waitFor(() => expect(repChat.received.map((message) => message.id)).toContain(question.id));
    const answer = await repChat.chat.send(conversationId, newClientId('b'), 'Let me check your order');
    await vi.waitFor(() => expect(customerChat.received.map((message) => message.id)).toContain(answer.id));
    expect(customerChat.received.find((message) => message.id === answer.id)?.body).toBe('Let me check your order');
  });

  it('when failed logins are spread over both instances, then the limit counts them together', async () => {
    const target = await createCustomer();
    // The login limit is 10 failures per window; five on each instance reach it only if shared.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) statuses.push(await failedLogin(attempt % 2 ? instanceB : instanceA, target));
    expect(statuses.every((status) => status === 401 || status === 400)).toBe(true);
    expect(await failedLogin(instanceA, target)).toBe(429);
    expect(await failedLogin(instanceB, target)).toBe(429);
  });
});
