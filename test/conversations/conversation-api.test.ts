import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationPage } from '../../src/contract/chat.js';
import { buildTestApp } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('conversation_api');

let app: ReturnType<typeof buildTestApp>;
let repAgent: TestAgent;

beforeAll(async () => {
  app = buildTestApp();
  repAgent = await loginAgent(app, { role: 'rep', ...(await createRep()) });
});

async function customerWithConversation(): Promise<{ agent: TestAgent; id: string }> {
  const agent = await loginAgent(app, { role: 'customer', ...(await createCustomer()) });
  const res = await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent) });
  return { agent, id: res.headers.location!.split('/').pop()! };
}

describe('the conversations JSON API', () => {
  it('when anyone but a rep asks for the dashboard list, then anonymous gets 401 and a customer 403', async () => {
    const anonymous = await request(app).get('/api/conversations').set('Accept', 'application/json');
    expect(anonymous.status).toBe(401);
    const { agent } = await customerWithConversation();
    const customer = await agent.get('/api/conversations').set('Accept', 'application/json');
    expect(customer.status).toBe(403);
    expect(customer.body.conversations).toBeUndefined();
  });

  it('when a rep pages through the list, then the pages follow the dashboard order without gaps or repeats', async () => {
    for (let i = 0; i < 3; i += 1) await customerWithConversation();
    const all = (await repAgent.get('/api/conversations').set('Accept', 'application/json')).body as ConversationPage;
    expect(all.hasMore).toBe(false);
    const seen: string[] = [];
    for (let page = 0; ; page += 1) {
      const res = await repAgent.get(`/api/conversations?page=${page}&limit=2`).set('Accept', 'application/json');
      expect(res.status).toBe(200);
      const body = res.body as ConversationPage;
      expect(body).toMatchObject({ page, pageSize: 2 });
      seen.push(...body.conversations.map((row) => row.id));
      if (!body.hasMore) break;
    }
    expect(seen).toEqual(all.conversations.map((row) => row.id));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect((await repAgent.get('/api/conversations?page=-1').set('Accept', 'application/json')).status).toBe(400);
  });

  it('when a customer sends, reads history and marks read over the API, then it behaves like the chat page', async () => {
    const { agent, id } = await customerWithConversation();
    const token = await csrfToken(agent);
    const sent = await agent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', token).send({ clientId: 'api-msg-00001', body: 'Hola' });
    expect(sent.status).toBe(201);
    const again = await agent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', token).send({ clientId: 'api-msg-00001', body: 'Hola' });
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(sent.body.message.id);
    const history = await agent.get(`/api/conversations/${id}/messages`);
    expect((history.body.messages as ChatMessage[]).map((message) => message.body)).toEqual(['Hola']);
    expect((await agent.post(`/api/conversations/${id}/messages`).send({ clientId: 'api-msg-00002', body: 'no token' })).status).toBe(403);

    await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
    await repAgent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', await csrfToken(repAgent)).send({ clientId: 'api-msg-00003', body: 'Hi' });
    expect((await agent.get(`/api/conversations/${id}`)).body.conversation.unread).toBe(1);
    const read = await agent.post(`/conversations/${id}/read`).set('Accept', 'application/json').set('x-csrf-token', token).send({});
    expect(read.body.conversation.unread).toBe(0);
  });

  it('when a page is opened with a plain GET, then nothing is marked read (a GET changes nothing)', async () => {
    const { agent, id } = await customerWithConversation();
    await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
    await repAgent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', await csrfToken(repAgent)).send({ clientId: 'api-msg-00004', body: 'Hi' });
    const page = await agent.get(`/conversations/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-part="mark-read"');
    expect((await agent.get(`/api/conversations/${id}`)).body.conversation.unread).toBe(1);
    const form = await agent.post(`/conversations/${id}/read`).type('form').send({ _csrf: await csrfToken(agent) });
    expect(form.status).toBe(303);
    expect((await agent.get(`/api/conversations/${id}`)).body.conversation.unread).toBe(0);
  });
});
