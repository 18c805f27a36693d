import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Composition } from '../../src/composition.js';
import { composeTestApp, memoryLogger, testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { countWrites, useTestDatabase } from '../support/database.js';
import { sessionCookie, startConversation, startRealtimeServer } from './socket-harness.js';

useTestDatabase('realtime_read_marks', { monitorCommands: true });

let composition: Composition;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let closed = false;

beforeAll(async () => {
  const config = testConfig();
  // A window that never ends during the test: the marks are written when the server stops.
  composition = composeTestApp({ config, logger: memoryLogger().logger, auth: testAuth(config), realtimeGuards: { signInSweepMs: 0, readMarkWindowMs: 60_000 } });
  server = await startRealtimeServer(composition);
});
afterAll(async () => {
  if (!closed) await server.close();
});

describe('conversation:read over the socket', () => {
  it('when a page sends 20 read marks, then none is written within the window and one, the newest, when it ends (here: at shutdown)', async () => {
    const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
    const id = await startConversation(composition.app, customer);
    const { messaging } = composition.deps.conversations;
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await messaging.send(rep.user, { conversationId: id, clientId: `socket-reply-${i}-${id}`, body: `Answer ${i}` })).message.id);
    const socket = await server.signedIn(await sessionCookie(composition.app, 'customer', customer));
    await socket.emitWithAck('conversation:join', { conversationId: id });
    const writes = countWrites('conversations');

    for (let i = 0; i < 20; i += 1) socket.emit('conversation:read', { conversationId: id, messageId: (ids[i % 3] as string).toUpperCase() });
    socket.emit('conversation:read', { conversationId: id, messageId: ids[3] });
    socket.emit('conversation:read', { conversationId: id, messageId: 'not-a-message' });
    // Events of one socket are handled in order: once this is answered, every mark has arrived.
    await socket.emitWithAck('conversation:join', { conversationId: id });

    expect(writes.writes).toHaveLength(0);
    expect((await composition.deps.conversations.conversations.getForUser(customer.user, id)).unread[customer.user.id]).toBe(4);
    closed = true;
    await server.close();

    expect(writes.writes).toHaveLength(1);
    expect(writes.writes[0]).toMatchObject({ query: { lastMessageId: ids[3] }, update: { $set: { [`unread.${customer.user.id}`]: 0 } } });
    const stored = await composition.deps.conversations.conversations.getForUser(customer.user, id);
    expect(stored.unread[customer.user.id]).toBe(0);
    writes.stop();
  });
});
