import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserService, type Auth } from '../../src/auth/index.js';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import { Message } from '../../src/conversations/message.model.js';
import { defaultGuardSettings } from '../../src/realtime/index.js';
import { buildTestApp, composeTestApp, memoryLogger, testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep, extractCsrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { connected, connectError, sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_security');

const SIGN_IN_CACHE_MS = 1_000;
// The sign-in cache's clock, moved by hand: cache expiry without sleeping.
let clock = 1_000_000;
let auth: Auth;
let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let feature: ConversationsFeature;

beforeAll(async () => {
  const config = testConfig();
  const logger = memoryLogger().logger;
  auth = testAuth(config);
  // No background sweep here: these tests move the cache's clock by hand.
  const composition = composeTestApp({ config, logger, auth, realtimeGuards: { signInCacheMs: SIGN_IN_CACHE_MS, signInSweepMs: 0, now: () => clock } });
  ({ app } = composition);
  feature = composition.deps.conversations;
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());



/** Presses "Log out" with this session cookie (CSRF token read from a page, as a browser does). */
async function logOut(target: Express, cookie: string): Promise<void> {
  const page = await request(target).get('/').set('Cookie', cookie).set('Accept', 'text/html');
  const res = await request(target).post('/auth/logout').set('Cookie', cookie).type('form').send({ _csrf: extractCsrfToken(page.text) });
  expect(res.status).toBe(303);
}

/** A customer's new conversation, with the customer's and a rep's socket in it. */
async function conversationWithRep() {
  const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
  const id = await startConversation(app, customer);
  const [customerSocket, repSocket] = await Promise.all([
    server.signedIn(await sessionCookie(app, 'customer', customer)),
    server.signedIn(await sessionCookie(app, 'rep', rep)),
  ]);
  for (const socket of [customerSocket, repSocket]) await socket.emitWithAck('conversation:join', { conversationId: id });
  return { id, customerSocket, repSocket };
}

const disconnection = (socket: ChatSocket) => new Promise<string>((done) => socket.once('disconnect', done));
const clientId = (label: string) => `${label}-${Math.random().toString(36).slice(2, 12)}`;
const send = (socket: ChatSocket, conversationId: string, body: string) =>
  socket.emitWithAck('message:send', { conversationId, clientId: clientId('m'), body });

describe('socket security', () => {
  it("when a user logs out, then their open socket is closed at once and other users' sockets stay", async () => {
    const [alice, bob] = await Promise.all([createCustomer(), createCustomer()]);
    const bobConversation = await startConversation(app, bob);
    const aliceCookie = await sessionCookie(app, 'customer', alice);
    const [aliceSocket, bobSocket] = await Promise.all([server.signedIn(aliceCookie), server.signedIn(await sessionCookie(app, 'customer', bob))]);
    const aliceClosed = disconnection(aliceSocket);

    await logOut(app, aliceCookie);

    await expect(aliceClosed).resolves.toBe('io server disconnect');
    expect(bobSocket.connected).toBe(true);
    await expect(bobSocket.emitWithAck('conversation:join', { conversationId: bobConversation })).resolves.toMatchObject({ ok: true });
    await expect(connectError(server.connect({ cookie: aliceCookie, origin: server.url }))).resolves.toMatchObject({ message: 'unauthorized' });
  });

  it('when a rep is disabled from another process (the admin CLI), then the next sweep closes their idle socket', async () => {
    const swept = await startRealtimeServer(composeTestApp({ auth, conversations: feature, realtimeGuards: { signInSweepMs: 200 } }));
    try {
      const [rep, other] = await Promise.all([createRep(), createRep()]);
      const [repCookie, otherCookie] = await Promise.all([sessionCookie(app, 'rep', rep), sessionCookie(app, 'rep', other)]);
      const [repSocket, otherSocket] = [repCookie, otherCookie].map((cookie) => swept.connect({ cookie, origin: swept.url }));
      await Promise.all([connected(repSocket!), connected(otherSocket!)]);
      const closed = disconnection(repSocket!);

      await createUserService({ bcryptCost: 4 }).setDisabled('rep', rep.username, true);

      await expect(closed).resolves.toBe('io server disconnect');
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(otherSocket!.connected).toBe(true);
    } finally {
      await swept.close();
    }
  });

  it('when the admin disables a rep, then the next send after the sign-in cache expires is refused and the socket closed', async () => {
    const [rep, customer] = await Promise.all([createRep(), createCustomer()]);
    const id = await startConversation(app, customer);
    const repSocket = await server.signedIn(await sessionCookie(app, 'rep', rep));
    expect(await repSocket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });

    await auth.users.setDisabled('rep', rep.username, true);
    // Still within the cache time: the answer cached at the join stands (no query per message).
    expect(await send(repSocket, id, 'sent before the cache expired')).toMatchObject({ ok: true });
    clock += SIGN_IN_CACHE_MS + 1;
    const closed = disconnection(repSocket);
    const refused = await send(repSocket, id, 'sent once disabled');

    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await expect(closed).resolves.toBe('io server disconnect');
    expect(await Message.find({ conversationId: id }).distinct('body')).toEqual(['sent before the cache expired']);
  });

  it('when the session ends on another instance, then the socket stops working at its next event after the cache expires', async () => {
    const customer = await createCustomer();
    const id = await startConversation(app, customer);
    const cookie = await sessionCookie(app, 'customer', customer);
    const socket = await server.signedIn(cookie);
    expect(await socket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });
    // Same database and sessions, but no shared Socket.IO rooms: its logout cannot reach this socket.
    const otherInstance = buildTestApp({ auth: testAuth() });

    await logOut(otherInstance, cookie);
    clock += SIGN_IN_CACHE_MS + 1;
    const closed = disconnection(socket);

    expect(await socket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await expect(closed).resolves.toBe('io server disconnect');
  });

  it('when a user sends a 21st message within the window, then it is refused as rate limited and not stored', async () => {
    const customer = await createCustomer();
    const id = await startConversation(app, customer);
    const socket = await server.signedIn(await sessionCookie(app, 'customer', customer));
    const { limit } = defaultGuardSettings.messages;
    expect(limit).toBe(20);

    for (let i = 1; i <= limit; i += 1) expect(await send(socket, id, `burst ${i}`)).toMatchObject({ ok: true });
    const refused = await send(socket, id, 'one too many');

    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await Message.countDocuments({ conversationId: id })).toBe(limit);
    expect(await Message.countDocuments({ conversationId: id, body: 'one too many' })).toBe(0);
    // Limits are fixed windows per user (shared over Redis), so they do not follow this clock:
    // socket-limits.test.ts shows a new window letting the user send again.
    expect(await send(socket, id, 'still within the window')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('when a user hits the message limit, then another user in the same conversation can still send', async () => {
    const { id, customerSocket, repSocket } = await conversationWithRep();
    for (let i = 0; i <= defaultGuardSettings.messages.limit; i += 1) await send(customerSocket, id, `flood ${i}`);

    expect(await send(customerSocket, id, 'still flooding')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await send(repSocket, id, 'How can I help?')).toMatchObject({ ok: true });
  });

  it('when a socket signals typing many times at once, then only the first few are relayed', async () => {
    const { id, customerSocket, repSocket } = await conversationWithRep();
    let relayed = 0;
    customerSocket.on('typing', () => (relayed += 1));

    for (let i = 0; i < 30; i += 1) repSocket.emit('typing', { conversationId: id });
    // Events of one socket are handled in order, and one connection delivers in order: once both
    // round trips are back, every relayed typing signal has arrived.
    await repSocket.emitWithAck('messages:history', { conversationId: id });
    await customerSocket.emitWithAck('messages:history', { conversationId: id });

    expect(relayed).toBe(defaultGuardSettings.typing.limit);
    expect(customerSocket.connected && repSocket.connected).toBe(true);
  });
});
