import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { sessionCookie, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('one_send_allowance');

// Three messages a minute: nothing refills during a test.
const guards = { signInSweepMs: 0, messages: { limit: 3, windowMs: 60_000 } };

let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;

beforeAll(async () => {
  const composition = composeTestApp({ config: testConfig(), logger: memoryLogger().logger, realtimeGuards: guards });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());

/** A customer with a conversation, signed in on a socket (joined) and in a browser-like agent. */
async function customerOnEveryDoor(): Promise<{ id: string; socket: ChatSocket; agent: TestAgent; csrf: string }> {
  const account = await createCustomer();
  const agent = await loginAgent(app, { role: 'customer', ...account });
  const csrf = await csrfToken(agent);
  const created = await agent.post('/conversations').type('form').send({ _csrf: csrf });
  const id = created.headers.location?.split('/').pop() ?? '';
  const socket = await server.signedIn(await sessionCookie(app, 'customer', account));
  await socket.emitWithAck('conversation:join', { conversationId: id });
  return { id, socket, agent, csrf };
}

const viaSocket = (socket: ChatSocket, id: string) => socket.emitWithAck('message:send', { conversationId: id, clientId: randomUUID(), body: 'by socket' });
const viaApi = (agent: TestAgent, csrf: string, id: string) =>
  agent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', csrf).send({ clientId: randomUUID(), body: 'by the API' });
const viaForm = (agent: TestAgent, csrf: string, id: string) =>
  agent.post(`/conversations/${id}/messages`).set('Accept', 'text/html').type('form').send({ body: 'by the form', clientId: randomUUID(), _csrf: csrf });

describe('one message allowance per user, whichever door', () => {
  it('when a user sends by socket, the JSON API and the page form, then one allowance counts them all and each door refuses past it', async () => {
    const { id, socket, agent, csrf } = await customerOnEveryDoor();
    expect(await viaSocket(socket, id)).toMatchObject({ ok: true });
    expect((await viaApi(agent, csrf, id)).status).toBe(201);
    expect((await viaForm(agent, csrf, id)).status).toBe(303);

    expect(await viaSocket(socket, id)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    const api = await viaApi(agent, csrf, id);
    expect(api.status).toBe(429);
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    const form = await viaForm(agent, csrf, id);
    expect(form.status).toBe(429);
    expect(form.text).toContain('You are sending messages too quickly.');
  });

  it('when one user has used their allowance, then another user still sends', async () => {
    const first = await customerOnEveryDoor();
    for (let i = 0; i < 3; i += 1) await viaApi(first.agent, first.csrf, first.id);
    expect((await viaApi(first.agent, first.csrf, first.id)).status).toBe(429);
    const second = await customerOnEveryDoor();
    expect(await viaSocket(second.socket, second.id)).toMatchObject({ ok: true });
  });
});
