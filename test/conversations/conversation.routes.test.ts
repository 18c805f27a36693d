import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { Message } from '../../src/conversations/message.model.js';
import { createConversationsFeature, type MessageTranslations } from '../../src/conversations/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('conversation_routes');

/** Our own translation port, answering predictably so transcripts can be checked. */
const prefetched: { text: string; source: string | undefined; targets: readonly string[] }[] = [];
const labelTranslations: MessageTranslations = {
  translate: async (texts, target) => ({ translations: texts.map((text) => ({ text: `[${target}] ${text}` })) }),
  prefetch: (text, source, targets) => {
    prefetched.push({ text, source, targets });
  },
};

let app: ReturnType<typeof buildTestApp>;
let alice: TestAccount;
let bob: TestAccount;
let rep: TestAccount;
let aliceAgent: TestAgent;
let bobAgent: TestAgent;
let repAgent: TestAgent;

beforeAll(async () => {
  const config = testConfig();
  const logger = memoryLogger().logger;
  app = buildTestApp({ config, logger, conversations: createConversationsFeature({ config, logger, translations: labelTranslations }) });
  [alice, bob, rep] = await Promise.all([createCustomer(), createCustomer({ language: 'DE' }), createRep()]);
  [aliceAgent, bobAgent, repAgent] = await Promise.all([
    loginAgent(app, { role: 'customer', ...alice }),
    loginAgent(app, { role: 'customer', ...bob }),
    loginAgent(app, { role: 'rep', ...rep }),
  ]);
});

async function startConversation(agent: TestAgent): Promise<string> {
  const res = await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent) });
  expect(res.status).toBe(303);
  const id = /^\/conversations\/([a-f0-9]{24})$/.exec(res.headers.location ?? '')?.[1];
  expect(id).toBeDefined();
  return id!;
}

async function sendForm(agent: TestAgent, id: string, body: string, clientId = `c-${Math.random().toString(36).slice(2, 12)}`) {
  return agent.post(`/conversations/${id}/messages`).type('form').send({ _csrf: await csrfToken(agent), body, clientId });
}

describe('conversation routes', () => {
  it('when an anonymous visitor opens conversation pages, then they are sent to the login page', async () => {
    const id = await startConversation(aliceAgent);
    for (const path of ['/conversations', `/conversations/${id}`, `/conversations/${id}/transcript`, '/support']) {
      const res = await request(app).get(path).set('Accept', 'text/html');
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/^\/auth\/(customer|rep)\/login/);
    }
    const api = await request(app).post('/api/token').send({ conversationId: id });
    expect([401, 403]).toContain(api.status);
  });

  it('when a customer starts a conversation twice, then the second start resumes the open one', async () => {
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', ...customer });
    const first = await startConversation(agent);
    const second = await startConversation(agent);
    expect(second).toBe(first);
    const page = await agent.get(`/conversations/${first}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-conversation-id="${first}"`);
    expect(page.text).toContain('data-transport="builtin"');
    expect(page.text).toContain('id="message-form"');
    expect(page.text).toContain('src="/js/chat.js"');
    const chatUser = /data-chat-user="([^"]*)"/.exec(page.text)?.[1]?.replace(/&#34;/g, '"');
    expect(JSON.parse(chatUser!)).toEqual({ id: customer.user.id, username: customer.username, role: 'customer', language: 'ES' });
  });

  it('when one customer sends two POST /conversations at the same time, then one conversation exists', async () => {
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', ...customer });
    const token = await csrfToken(agent);
    const answers = await Promise.all([1, 2, 3].map(() => agent.post('/conversations').type('form').send({ _csrf: token })));
    expect(answers.map((res) => res.status)).toEqual([303, 303, 303]);
    expect(new Set(answers.map((res) => res.headers.location)).size).toBe(1);
    expect(await Conversation.countDocuments({ 'customer.id': customer.user.id })).toBe(1);
  });

  it("when a customer asks for another customer's conversation, then every route answers 404", async () => {
    const id = await startConversation(aliceAgent);
    const token = await csrfToken(bobAgent);
    expect((await bobAgent.get(`/conversations/${id}`)).status).toBe(404);
    expect((await bobAgent.get(`/conversations/${id}/transcript?format=json`)).status).toBe(404);
    expect((await bobAgent.post(`/conversations/${id}/messages`).type('form').send({ _csrf: token, body: 'hi', clientId: 'abcdefgh1' })).status).toBe(404);
    expect((await bobAgent.post(`/conversations/${id}/close`).type('form').send({ _csrf: token })).status).toBe(404);
    expect((await bobAgent.post('/api/token').set('x-csrf-token', token).send({ conversationId: id })).status).toBe(404);
    expect((await bobAgent.get('/conversations/not-an-id')).status).toBe(404);
    expect((await Conversation.findById(id).lean())?.status).toBe('open');
  });

  it('when a rep tries to start a customer conversation, then it is refused', async () => {
    const res = await repAgent.post('/conversations').type('form').send({ _csrf: await csrfToken(repAgent) });
    expect(res.status).toBe(403);
    expect(await Conversation.countDocuments({ 'customer.id': rep.user.id })).toBe(0);
  });

  it('when a customer sends without JavaScript, then the message is stored once per client id and shown as text', async () => {
    const id = await startConversation(aliceAgent);
    const sent = await sendForm(aliceAgent, id, '<b>hola</b> & adiós', 'resend-0001');
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/conversations/${id}#message-form`);
    expect((await sendForm(aliceAgent, id, '<b>hola</b> & adiós', 'resend-0001')).status).toBe(303);
    expect(await Message.countDocuments({ conversationId: id })).toBe(1);
    const page = await aliceAgent.get(`/conversations/${id}`);
    expect(page.text).toContain('&lt;b&gt;hola&lt;/b&gt; &amp; adiós');
    expect(page.text).not.toContain('<b>hola</b>');
  });

  it('when a message is empty or longer than 1,600 characters, then the form comes back with the error and the text', async () => {
    // The customer reads Spanish (createCustomer's default): so do the form's errors.
    const agent = await loginAgent(app, { role: 'customer', ...(await createCustomer()) });
    const id = await startConversation(agent);
    const empty = await sendForm(agent, id, '   ');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Escribe un mensaje primero.');
    const long = await sendForm(agent, id, 'x'.repeat(1601));
    expect(long.status).toBe(400);
    expect(long.text).toContain('como máximo 1600 caracteres');
    expect(long.text).toContain('x'.repeat(1601));
    expect((await sendForm(agent, id, 'y'.repeat(1600))).status).toBe(303);
    expect(await Message.countDocuments({ conversationId: id })).toBe(1);
  });

  it('when a conversation is closed, then it accepts no new messages and the customer can start a new one', async () => {
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', ...customer });
    const id = await startConversation(agent);
    const closed = await agent.post(`/conversations/${id}/close`).type('form').send({ _csrf: await csrfToken(agent) });
    expect(closed.status).toBe(303);
    const refused = await sendForm(agent, id, 'still there?');
    expect(refused.status).toBe(409);
    expect(await Message.countDocuments({ conversationId: id })).toBe(0);
    const page = await agent.get(`/conversations/${id}`);
    expect(page.text).toContain('id="closed-notice"');
    expect(page.text).not.toContain('id="message-form"');
    const next = await startConversation(agent);
    expect(next).not.toBe(id);
    const home = await agent.get('/conversations');
    expect(home.text).toContain(`/conversations/${next}`);
    expect(home.text).toContain(`/conversations/${id}`);
  });

  it('when reps open the dashboard, then open conversations come first, newest activity first, with unread counts', async () => {
    const [c1, c2] = await Promise.all([createCustomer(), createCustomer()]);
    const [a1, a2] = await Promise.all([loginAgent(app, { role: 'customer', ...c1 }), loginAgent(app, { role: 'customer', ...c2 })]);
    const older = await startConversation(a1);
    const newer = await startConversation(a2);
    await sendForm(a1, older, 'first');
    await sendForm(a2, newer, 'one');
    await sendForm(a2, newer, 'two');
    const closedOne = await startConversation(await loginAgent(app, { role: 'customer', ...(await createCustomer()) }));
    await repAgent.post(`/conversations/${closedOne}/close`).type('form').send({ _csrf: await csrfToken(repAgent) });
    const board = await repAgent.get('/support');
    expect(board.status).toBe(200);
    const order = [...board.text.matchAll(/<li[^>]*data-conversation-id="([a-f0-9]{24})" data-status="(\w+)"/g)].map((m) => [m[1], m[2]]);
    const position = (id: string) => order.findIndex(([rowId]) => rowId === id);
    expect(position(newer)).toBeLessThan(position(older));
    expect(order.findIndex(([, status]) => status === 'closed')).toBeGreaterThan(position(older));
    expect(board.text).toMatch(new RegExp(`data-conversation-id="${newer}"[\\s\\S]*?unread-count[^>]*>2<`));
    expect((await aliceAgent.get('/support')).status).toBe(403);
  });

  it('when a rep joins, then they can read and answer, and the customer sees the answer', async () => {
    const id = await startConversation(aliceAgent);
    const joined = await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
    expect(joined.status).toBe(303);
    expect(joined.headers.location).toBe(`/conversations/${id}`);
    expect((await Conversation.findById(id).lean())?.reps.map((r) => r.id.toString())).toEqual([rep.user.id]);
    expect((await sendForm(repAgent, id, 'How can I help?')).status).toBe(303);
    const page = await aliceAgent.get(`/conversations/${id}`);
    expect(page.text).toContain('How can I help?');
    expect(prefetched).toContainEqual({ text: 'How can I help?', source: 'EN-US', targets: ['ES'] });
    await sendForm(aliceAgent, id, 'Necesito ayuda');
    expect(prefetched).toContainEqual({ text: 'Necesito ayuda', source: 'ES', targets: ['EN-US'] });
  });

  it('when a transcript is downloaded, then it lists every message with author, time, language and translations', async () => {
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', ...customer });
    const id = await startConversation(agent);
    await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
    await sendForm(agent, id, 'Mi pedido no llegó');
    await sendForm(repAgent, id, 'Let me check');
    const json = await agent.get(`/conversations/${id}/transcript?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?parley-conversation-${id}\\.json"?$`));
    expect(json.body.messages).toHaveLength(2);
    expect(json.body.messages[0]).toMatchObject({
      author: { id: customer.user.id, name: customer.username, role: 'customer' },
      original: 'Mi pedido no llegó',
      language: 'ES',
      translations: { 'EN-US': '[EN-US] Mi pedido no llegó' },
    });
    expect(json.body.messages[1]).toMatchObject({ original: 'Let me check', language: 'EN-US', translations: { ES: '[ES] Let me check' } });
    expect(Date.parse(json.body.messages[0].time)).not.toBeNaN();
    const text = await repAgent.get(`/conversations/${id}/transcript?format=text`);
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.headers['content-disposition']).toMatch(/\.txt"?$/);
    expect(text.text).toContain(`${customer.username} (customer, ES):`);
    expect(text.text).toContain('→ EN-US: [EN-US] Mi pedido no llegó');
    expect((await agent.get(`/conversations/${id}/transcript?format=xml`)).status).toBe(400);
  });
});
