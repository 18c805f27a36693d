import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Composition } from '../../src/composition.js';
import type { ChatMessage, ConversationSummary } from '../../src/contract/chat.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { Message } from '../../src/conversations/message.model.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { memoryKey } from '../../src/translation/index.js';
import { TranslationMemoryModel } from '../../src/translation/translation-memory.model.js';
import { connected, sessionCookie, type ChatSocket } from '../realtime/socket-harness.js';
import { io as connect } from 'socket.io-client';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startDeeplServer, type DeeplServer } from '../support/deepl-server.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';
import { twilioSignature } from '../support/twilio-webhooks.js';

useTestDatabase('twilio_webhooks');

const PUBLIC_URL = 'https://support.parley.test';
const WEBHOOK_URL = `${PUBLIC_URL}/webhooks/twilio/conversations`;

let fake: TwilioFake;
let deepl: DeeplServer;
let composition: Composition;
let server: Server;
let closeRealtime: () => Promise<void>;
let baseUrl: string;
const log = memoryLogger('info');
let customer: TestAccount;
let rep: TestAccount;
let customerAgent: TestAgent;
let repAgent: TestAgent;

beforeAll(async () => {
  [fake, deepl] = await Promise.all([startTwilioFake(), startDeeplServer()]);
  const config = testConfig({ ...fake.env({ publicUrl: PUBLIC_URL }), DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', LOG_LEVEL: 'info' });
  composition = composeTestApp({ config, logger: log.logger });
  server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  closeRealtime = (await composition.attach(server)).close;
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Twilio calls the public address; here that is this server, and it signs for the public one.
  fake.webhooks.deliverTo(`${baseUrl}/webhooks/twilio/conversations`, WEBHOOK_URL);
  rep = await createRep({ language: 'EN-US' });
  repAgent = await loginAgent(composition.app, { role: 'rep', ...rep });
});
afterAll(async () => {
  await closeRealtime();
  await closeServer(server, 500);
  await Promise.all([fake.close(), deepl.close()]);
});

/** A new customer's conversation (created in Twilio) that the rep has joined. */
async function joinedConversation(): Promise<{ id: string; sid: string }> {
  customer = await createCustomer({ language: 'ES' });
  customerAgent = await loginAgent(composition.app, { role: 'customer', ...customer });
  const started = await customerAgent.post('/conversations').type('form').send({ _csrf: await csrfToken(customerAgent) });
  const id = started.headers.location!.split('/').pop()!;
  await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
  const sid = (await Conversation.findById(id).lean())!.transportId!;
  return { id, sid };
}

async function dashboardRow(id: string): Promise<ConversationSummary | undefined> {
  const res = await repAgent.get('/api/conversations').set('Accept', 'application/json');
  expect(res.status).toBe(200);
  return (res.body.conversations as ConversationSummary[]).find((row) => row.id === id);
}

async function dashboardSocket(conversationId: string): Promise<{ socket: ChatSocket; messages: ChatMessage[]; updates: ConversationSummary[] }> {
  const socket: ChatSocket = connect(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { cookie: await sessionCookie(composition.app, 'rep', rep), origin: baseUrl },
    forceNew: true,
    reconnection: false,
  });
  await connected(socket);
  const messages: ChatMessage[] = [];
  const updates: ConversationSummary[] = [];
  socket.on('message:new', (message) => messages.push(message));
  socket.on('conversation:updated', (summary) => updates.push(summary));
  expect(await socket.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
  // The rep has the conversation open (its room): live messages reach the rooms' sockets only.
  expect(await socket.emitWithAck('conversation:join', { conversationId })).toMatchObject({ ok: true });
  return { socket, messages, updates };
}

describe('Twilio Conversations webhooks', () => {
  it('when a browser sends through the Twilio SDK, then the message is stored once, counted, shown live, translated, and repeats change nothing', async () => {
    const { id, sid } = await joinedConversation();
    const dashboard = await dashboardSocket(id);
    const sent = fake.sendFromSdk(sid, customer.user.id, 'Mi pedido no llegó', { clientId: 'sdk-msg-0001', authorRole: 'rep', authorName: 'forged' });
    await fake.webhooks.settled();

    const stored = await Message.find({ conversationId: id }).lean();
    expect(stored.map((m) => [m.body, m.clientId, m.transportSid, m.authorName, m.authorRole, m.language])).toEqual([
      ['Mi pedido no llegó', 'sdk-msg-0001', sent.sid, customer.username, 'customer', 'ES'],
    ]);
    expect(await dashboardRow(id)).toMatchObject({ unread: 1, lastMessagePreview: 'Mi pedido no llegó', lastMessageLanguage: 'ES' });
    await vi.waitFor(() => expect(dashboard.messages.map((m) => m.body)).toEqual(['Mi pedido no llegó']));
    const key = memoryKey({ text: 'Mi pedido no llegó', source: 'ES', target: 'EN-US' });
    await vi.waitFor(async () => expect(await TranslationMemoryModel.findById(key).lean()).not.toBeNull());

    const original = fake.webhooks.delivered.find((hook) => hook.params.MessageSid === sent.sid)!;
    const charactersBefore = deepl.characters;
    for (let retry = 1; retry <= 3; retry += 1) expect(await fake.webhooks.redeliver(original.params, retry)).toBe(200);
    expect(await Message.countDocuments({ conversationId: id })).toBe(1);
    expect(await dashboardRow(id)).toMatchObject({ unread: 1 });
    expect(dashboard.messages).toHaveLength(1);
    expect(deepl.characters).toBe(charactersBefore);
    dashboard.socket.disconnect();
  });

  it('when a rep answers without JavaScript, then Twilio gets it once with its clientId and Twilio\'s echo is recognised', async () => {
    const { id, sid } = await joinedConversation();
    const form = { _csrf: await csrfToken(repAgent), body: 'It ships today', clientId: 'rest-msg-0001' };
    expect((await repAgent.post(`/conversations/${id}/messages`).type('form').send(form)).status).toBe(303);
    expect((await repAgent.post(`/conversations/${id}/messages`).type('form').send(form)).status).toBe(303);
    await fake.webhooks.settled();

    expect(fake.state.messages.get(sid)?.map((m) => [m.body, JSON.parse(m.attributes).clientId])).toEqual([['It ships today', 'rest-msg-0001']]);
    const stored = await Message.find({ conversationId: id }).lean();
    expect(stored.map((m) => [m.clientId, m.transportSid])).toEqual([['rest-msg-0001', fake.state.messages.get(sid)![0]!.sid]]);
    const echo = fake.webhooks.delivered.filter((hook) => hook.params.ConversationSid === sid && hook.params.EventType === 'onMessageAdded');
    expect(echo.map((hook) => hook.status)).toEqual([200]);
    const customerView = await customerAgent.get(`/api/conversations/${id}`);
    expect(customerView.body.conversation.unread).toBe(1);
  });

  it('when a webhook has no signature, a wrong one, or one made for another URL, then it is refused with 403 and nothing is stored', async () => {
    const { id, sid } = await joinedConversation();
    const params = {
      EventType: 'onMessageAdded', ConversationSid: sid, MessageSid: `IM${'a'.repeat(32)}`, Author: customer.user.id,
      Body: 'forged', Attributes: '{}', Source: 'SDK',
    };
    expect(await fake.webhooks.post(params, null)).toBe(403);
    expect(await fake.webhooks.post(params, 'bm90IGEgc2lnbmF0dXJl')).toBe(403);
    expect(await fake.webhooks.post(params, twilioSignature(fake.authToken, 'https://elsewhere.example/webhooks/twilio/conversations', params))).toBe(403);
    expect(await fake.webhooks.post(params, twilioSignature('another-auth-token', WEBHOOK_URL, params))).toBe(403);
    expect(await fake.webhooks.post({ ...params, Body: 'changed after signing' }, twilioSignature(fake.authToken, WEBHOOK_URL, params))).toBe(403);
    expect(await Message.countDocuments({ conversationId: id })).toBe(0);
    // The same request, correctly signed, is taken: the refusals above were about the signature.
    expect(await fake.webhooks.post(params)).toBe(200);
    expect(await Message.countDocuments({ conversationId: id })).toBe(1);
  });

  it('when a webhook names a conversation Parley does not know, then it answers 200 and logs nothing at error level', async () => {
    const before = log.lines().length;
    const status = await fake.webhooks.post({
      EventType: 'onMessageAdded', ConversationSid: `CH${'b'.repeat(32)}`, MessageSid: `IM${'c'.repeat(32)}`, Author: 'someone', Body: 'hi',
    });
    expect(status).toBe(200);
    const levels = log.lines().slice(before).map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.every((level) => level < 50)).toBe(true);
  });

  it('when Twilio closes a conversation, then Parley closes it too and the dashboard shows it closed', async () => {
    const { id, sid } = await joinedConversation();
    const status = await fake.webhooks.post({ EventType: 'onConversationStateUpdated', ConversationSid: sid, StateFrom: 'active', StateTo: 'closed' });
    expect(status).toBe(200);
    expect(await dashboardRow(id)).toMatchObject({ status: 'closed' });
  });

  it('when Twilio is down, then a rep still opens the conversation and downloads the transcript of what was stored', async () => {
    const { id, sid } = await joinedConversation();
    fake.sendFromSdk(sid, customer.user.id, 'Hola, ¿hay alguien?', { clientId: 'sdk-down-0001' });
    await fake.webhooks.settled();
    fake.setDown(true);
    try {
      const page = await repAgent.get(`/conversations/${id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Hola, ¿hay alguien?');
      const transcript = await repAgent.get(`/conversations/${id}/transcript?format=json`);
      expect(transcript.status).toBe(200);
      expect(transcript.body.messages.map((m: { original: string }) => m.original)).toEqual(['Hola, ¿hay alguien?']);
      const history = await repAgent.get(`/api/conversations/${id}/messages`);
      expect(history.body.messages.map((m: ChatMessage) => m.body)).toEqual(['Hola, ¿hay alguien?']);
    } finally {
      fake.setDown(false);
    }
  });

  it('when a webhook comes without a session, then only that route is open: other routes still need login and CSRF', async () => {
    expect((await request(composition.app).post('/conversations').type('form').send({})).status).toBe(403);
    expect((await request(composition.app).get('/api/conversations').set('Accept', 'application/json')).status).toBe(401);
  });
});
