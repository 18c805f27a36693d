import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Auth } from '../../src/auth/index.js';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import type { SocketGuardSettings } from '../../src/realtime/index.js';
import { composeTestApp, memoryLogger, testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_limits');

// Small limits with long windows, so nothing refills during a test (except the one short window).
const minute = 60_000;
const guards: Partial<SocketGuardSettings> = {
  signInSweepMs: 0,
  messages: { limit: 2, windowMs: 1_000 },
  typing: { limit: 5, windowMs: minute },
  reads: { limit: 3, windowMs: minute },
  // Marks are written on the next turn of the event loop, so the count below is final once settled.
  readMarkWindowMs: 0,
  history: { limit: 4, windowMs: minute },
  joins: { limit: 30, windowMs: minute },
  dashboard: { limit: 2, windowMs: minute },
};

let app: Express;
let auth: Auth;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let markReads = 0;

beforeAll(async () => {
  const config = testConfig();
  const logger = memoryLogger().logger;
  auth = testAuth(config);
  const { conversations } = composeTestApp({ config, logger, auth }).deps;
  // Every read mark the sockets ask for reaches the messaging service through here.
  const counted: ConversationsFeature = {
    ...conversations,
    messaging: {
      ...conversations.messaging,
      markRead: (user, conversationId) => {
        markReads += 1;
        return conversations.messaging.markRead(user, conversationId);
      },
    },
  };
  const composition = composeTestApp({ config, logger, auth, conversations: counted, realtimeGuards: guards });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());



/** One customer's conversation; `repSockets` sockets of one rep and one customer socket, all joined. */
async function conversationWithRep(repSockets = 1) {
  const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
  const id = await startConversation(app, customer);
  const [customerCookie, repCookie] = await Promise.all([sessionCookie(app, 'customer', customer), sessionCookie(app, 'rep', rep)]);
  const customerSocket = await server.signedIn(customerCookie);
  const reps = await Promise.all(Array.from({ length: repSockets }, () => server.signedIn(repCookie)));
  for (const socket of [customerSocket, ...reps]) await socket.emitWithAck('conversation:join', { conversationId: id });
  return { id, customerSocket, reps };
}

/**
 * Events of one socket are handled in order: once a later acked event is answered on each socket,
 * the earlier events were decided and what was relayed has been sent.
 */
async function settle(sockets: ChatSocket[], id: string): Promise<void> {
  for (const socket of sockets) await socket.emitWithAck('conversation:join', { conversationId: id });
}

describe('Socket.IO limits per user (all their sockets)', () => {
  it('when 10 sockets of one user send 20 typing signals each, then at most the per-user limit is relayed', async () => {
    const { id, customerSocket, reps } = await conversationWithRep(10);
    let relayed = 0;
    customerSocket.on('typing', () => (relayed += 1));

    for (const socket of reps) for (let i = 0; i < 20; i += 1) socket.emit('typing', { conversationId: id });
    await settle([...reps, customerSocket], id);

    expect(relayed).toBe(5);
    expect(reps.every((socket) => socket.connected)).toBe(true);
  });

  it('when a customer sends 500 read marks, then at most the limit of them reach the database', async () => {
    const { id, customerSocket } = await conversationWithRep();
    markReads = 0;

    for (let i = 0; i < 500; i += 1) customerSocket.emit('conversation:read', { conversationId: id });
    await settle([customerSocket, customerSocket], id);

    expect(markReads).toBeGreaterThan(0);
    expect(markReads).toBeLessThanOrEqual(3);
    expect(customerSocket.connected).toBe(true);
  });

  it('when a user asks for history more often than allowed from two sockets, then the excess is refused as rate limited', async () => {
    const { id, reps } = await conversationWithRep(2);
    const [first, second] = reps as [ChatSocket, ChatSocket];

    const answers = [];
    for (const socket of [first, second, first, second, first]) {
      answers.push(await socket.emitWithAck('messages:history', { conversationId: id }));
    }

    expect(answers.slice(0, 4).every((answer) => answer.ok)).toBe(true);
    expect(answers[4]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('when a user subscribes to the dashboard more often than allowed, then the excess is refused as rate limited', async () => {
    const { reps } = await conversationWithRep(3);

    const answers = await Promise.all(reps.map((socket) => socket.emitWithAck('dashboard:subscribe')));

    expect(answers.filter((answer) => answer.ok)).toHaveLength(2);
    expect(answers.find((answer) => !answer.ok)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('when a user joins conversations more often than allowed, then the excess is refused as rate limited', async () => {
    const { id, customerSocket } = await conversationWithRep();

    // One join was spent setting up; the limit is 30.
    const answers = [];
    for (let i = 0; i < 30; i += 1) answers.push(await customerSocket.emitWithAck('conversation:join', { conversationId: id }));

    expect(answers.slice(0, 29).every((answer) => answer.ok)).toBe(true);
    expect(answers[29]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('when the message limit is reached on two sockets, then a new window lets the user send again', async () => {
    const { id, reps } = await conversationWithRep(2);
    const [first, second] = reps as [ChatSocket, ChatSocket];
    const send = (socket: ChatSocket, body: string) =>
      socket.emitWithAck('message:send', { conversationId: id, clientId: `c-${Math.random().toString(36).slice(2)}`, body });

    expect(await send(first, 'one')).toMatchObject({ ok: true });
    expect(await send(second, 'two')).toMatchObject({ ok: true });
    expect(await send(first, 'three')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

    await vi.waitFor(async () => expect(await send(second, 'later')).toMatchObject({ ok: true }), { timeout: 5_000, interval: 250 });
  });
});
