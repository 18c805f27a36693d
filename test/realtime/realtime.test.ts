import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import type { ChatMessage, ConversationSummary } from '../../src/contract/chat.js';
import { buildTestApp, composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { connected, connectError, sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime');

let app: ReturnType<typeof buildTestApp>;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let alice: TestAccount;
let bob: TestAccount;
let rep: TestAccount;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const config = testConfig();
  const logger = memoryLogger().logger;
  // Room for the 100-message exchange; socket-security.test.ts covers the default limit.
  const composition = composeTestApp({ config, logger, realtimeGuards: { messages: { limit: 1_000, windowMs: 10_000 } } });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
  [alice, bob, rep] = await Promise.all([createCustomer(), createCustomer(), createRep()]);
  cookies.alice = await sessionCookie(app, 'customer', alice);
  cookies.bob = await sessionCookie(app, 'customer', bob);
  cookies.rep = await sessionCookie(app, 'rep', rep);
});
afterAll(() => server.close());

const socketFor = (who: 'alice' | 'bob' | 'rep'): Promise<ChatSocket> => server.signedIn(cookies[who]!);


const clientId = (label: string) => `${label}-${Math.random().toString(36).slice(2, 12)}`;

describe('built-in realtime transport', () => {
  it('when a socket has no session, then the connection is refused', async () => {
    const error = await connectError(server.connect({ origin: server.url }));
    expect(error.message).toBe('unauthorized');
  });

  it('when a logged-in socket comes from another site, then the connection is refused', async () => {
    await expect(connectError(server.connect({ cookie: cookies.alice!, origin: 'https://evil.example' }))).resolves.toBeInstanceOf(Error);
    const sameSite = server.connect({ cookie: cookies.alice!, origin: server.url });
    await expect(connected(sameSite)).resolves.toBeUndefined();
  });

  it("when a customer joins, reads or writes another customer's conversation, then the answer is not found", async () => {
    const id = await startConversation(app, alice);
    const bobSocket = await socketFor('bob');
    const join = await bobSocket.emitWithAck('conversation:join', { conversationId: id });
    expect(join).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
    const send = await bobSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('bob'), body: 'hi' });
    expect(send).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const history = await bobSocket.emitWithAck('messages:history', { conversationId: id });
    expect(history).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const dashboard = await bobSocket.emitWithAck('dashboard:subscribe');
    expect(dashboard).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await Message.countDocuments({ conversationId: id })).toBe(0);
    const aliceSocket = await socketFor('alice');
    expect(await aliceSocket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true, conversation: { id } });
  });

  it('when payloads are malformed, too long or empty, then they are refused without storing anything', async () => {
    const id = await startConversation(app, alice);
    const socket = await socketFor('alice');
    const injected = await socket.emitWithAck('message:send', { conversationId: { $gt: '' }, clientId: clientId('a'), body: 'x' } as never);
    expect(injected).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const tooLong = await socket.emitWithAck('message:send', { conversationId: id, clientId: clientId('a'), body: 'x'.repeat(1601) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const empty = await socket.emitWithAck('message:send', { conversationId: id, clientId: clientId('a'), body: '  \n ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await Message.countDocuments({ conversationId: id })).toBe(0);
  });

  it('when two sockets exchange 100 messages, then each sees all of them in order, and history pages them', async () => {
    const id = await startConversation(app, alice);
    const [aliceSocket, repSocket] = await Promise.all([socketFor('alice'), socketFor('rep')]);
    const seen: Record<'alice' | 'rep', string[]> = { alice: [], rep: [] };
    aliceSocket.on('message:new', (message) => message.conversationId === id && seen.alice.push(message.id));
    repSocket.on('message:new', (message) => message.conversationId === id && seen.rep.push(message.id));
    await aliceSocket.emitWithAck('conversation:join', { conversationId: id });
    await repSocket.emitWithAck('conversation:join', { conversationId: id });
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 100; i += 1) {
      const sender = i % 2 === 0 ? aliceSocket : repSocket;
      const ack = await sender.emitWithAck('message:send', { conversationId: id, clientId: clientId(`m${i}`), body: `message ${i}` });
      if (!ack.ok) throw new Error(ack.error.message);
      sent.push(ack.message);
    }
    const order = sent.map((message) => message.id);
    await vi.waitFor(() => expect(seen.alice).toHaveLength(100));
    await vi.waitFor(() => expect(seen.rep).toHaveLength(100));
    expect(seen.alice).toEqual(order);
    expect(seen.rep).toEqual(order);
    expect(sent[1]).toMatchObject({ authorRole: 'rep', authorId: rep.user.id, language: 'EN-US', body: 'message 1' });
    const newest = await aliceSocket.emitWithAck('messages:history', { conversationId: id });
    if (!newest.ok) throw new Error('history failed');
    expect(newest.messages.map((m) => m.id)).toEqual(order.slice(50));
    expect(newest.hasMore).toBe(true);
    const older = await aliceSocket.emitWithAck('messages:history', { conversationId: id, before: newest.messages[0]!.id });
    expect(older).toMatchObject({ ok: true, hasMore: false });
    if (older.ok) expect(older.messages.map((m) => m.id)).toEqual(order.slice(0, 50));
  });

  it('when a message is resent with the same client id, then it is stored once and the ack returns the stored message', async () => {
    const id = await startConversation(app, bob);
    const socket = await socketFor('bob');
    const payload = { conversationId: id, clientId: clientId('resend'), body: 'only once' };
    const [first, second] = await Promise.all([socket.emitWithAck('message:send', payload), socket.emitWithAck('message:send', payload)]);
    const third = await socket.emitWithAck('message:send', payload);
    expect(first.ok && second.ok && third.ok).toBe(true);
    if (first.ok && second.ok && third.ok) {
      expect(second.message.id).toBe(first.message.id);
      expect(third.message).toEqual(first.message);
    }
    expect(await Message.countDocuments({ conversationId: id })).toBe(1);
  });

  it('when someone types, then the other member of the room is told who', async () => {
    const id = await startConversation(app, alice);
    const [aliceSocket, repSocket] = await Promise.all([socketFor('alice'), socketFor('rep')]);
    await aliceSocket.emitWithAck('conversation:join', { conversationId: id });
    await repSocket.emitWithAck('conversation:join', { conversationId: id });
    const typing = new Promise((done) => aliceSocket.once('typing', done));
    repSocket.emit('typing', { conversationId: id });
    await expect(typing).resolves.toEqual({ conversationId: id, userId: rep.user.id, username: rep.username });
  });

  it('when a customer starts a conversation and writes, then the dashboard socket receives the new row and its update, and message:new once it opens it', async () => {
    const dashboard = await socketFor('rep');
    const subscribed = await dashboard.emitWithAck('dashboard:subscribe');
    expect(subscribed.ok).toBe(true);
    const created = new Promise<ConversationSummary>((done) => dashboard.on('conversation:created', done));
    const carol = await createCustomer({ language: 'FR' });
    const id = await startConversation(app, carol);
    await expect(created).resolves.toMatchObject({ id, status: 'open', customer: { id: carol.user.id, language: 'FR' } });

    // The rep opens the conversation (joins its room) as the dashboard's chat panel does.
    expect(await dashboard.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });
    const newMessage = new Promise<ChatMessage>((done) => dashboard.on('message:new', (m) => m.conversationId === id && done(m)));
    const updated = new Promise<Pick<ConversationSummary, 'lastMessagePreview'>>((done) =>
      dashboard.on('conversations:updated', ({ conversations, activity }) => {
        const row = [...conversations, ...activity].find((s) => s.id === id && s.lastMessagePreview !== '');
        if (row) done(row);
      }),
    );
    const carolSocket = server.connect({ cookie: await sessionCookie(app, 'customer', carol), origin: server.url });
    await connected(carolSocket);
    await carolSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('carol'), body: 'Bonjour' });
    await expect(newMessage).resolves.toMatchObject({ body: 'Bonjour', language: 'FR', authorRole: 'customer' });
    await expect(updated).resolves.toMatchObject({ lastMessagePreview: 'Bonjour', lastMessageLanguage: 'FR', unread: 1 });
  });

  it('when a conversation is closed, then a socket can no longer send into it', async () => {
    const dave = await createCustomer();
    const id = await startConversation(app, dave);
    const agent = await loginAgent(app, { role: 'customer', ...dave });
    await agent.post(`/conversations/${id}/close`).type('form').send({ _csrf: await csrfToken(agent) });
    const socket = server.connect({ cookie: await sessionCookie(app, 'customer', dave), origin: server.url });
    await connected(socket);
    const ack = await socket.emitWithAck('message:send', { conversationId: id, clientId: clientId('late'), body: 'hello?' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'conversation_closed' } });
    expect(await Message.countDocuments({ conversationId: id })).toBe(0);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});
