import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Express } from 'express';
import type { ChatMessage, ConversationSummary } from '../../src/contract/chat.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_pipeline_events');

let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;

beforeAll(async () => {
  const composition = composeTestApp({ config: testConfig(), logger: memoryLogger().logger });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());

const socketOf = async (role: 'customer' | 'rep', account: TestAccount): Promise<ChatSocket> => server.signedIn(await sessionCookie(app, role, account));


/** Everything a socket receives from now on, by event. */
function record(socket: ChatSocket) {
  const messages: ChatMessage[] = [];
  /** Own summaries, whole dashboard rows and dashboard activity alike (all carry id, preview and unread). */
  const updates: Pick<ConversationSummary, 'id' | 'lastMessagePreview' | 'unread'>[] = [];
  const typing: string[] = [];
  socket.on('message:new', (message) => messages.push(message));
  socket.on('conversation:updated', (summary) => updates.push(summary));
  // The dashboard's rows come coalesced, a batch per short window.
  socket.on('conversations:updated', ({ conversations, activity }) => updates.push(...conversations, ...activity));
  socket.on('typing', (event) => typing.push(event.conversationId));
  return { messages, updates, typing };
}

/** A round trip through the server: anything emitted before it has been delivered by then. */
async function settle(...sockets: ChatSocket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => socket.emitWithAck('dashboard:subscribe').catch(() => undefined)));
}

describe('the pipeline seen from the sockets', () => {
  it('when a customer resends a message with the same clientId, then the rep is told once and counts it once', async () => {
    const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
    const id = await startConversation(app, customer);
    const [customerSocket, repSocket, panelSocket] = await Promise.all([socketOf('customer', customer), socketOf('rep', rep), socketOf('rep', rep)]);
    expect(await repSocket.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
    // The rep's open chat panel is in the conversation's room, where messages go.
    expect(await panelSocket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });
    const dashboard = record(repSocket);
    const panel = record(panelSocket);

    const send = { conversationId: id, clientId: 'resend-once-0001', body: '¿Hola?' };
    const first = await customerSocket.emitWithAck('message:send', send);
    const again = await customerSocket.emitWithAck('message:send', send);
    await vi.waitFor(() => expect(dashboard.updates.some((summary) => summary.id === id)).toBe(true));
    const later = await customerSocket.emitWithAck('message:send', { conversationId: id, clientId: 'resend-once-0002', body: '¿Sigue ahí?' });
    await vi.waitFor(() => expect(dashboard.updates.filter((summary) => summary.id === id).at(-1)?.lastMessagePreview).toBe('¿Sigue ahí?'));
    await settle(panelSocket);

    expect(again).toEqual(first);
    expect(later.ok).toBe(true);
    // Everything the rep was told about the resent message said one message, then the next one made two.
    expect(panel.messages.map((message) => message.clientId)).toEqual(['resend-once-0001', 'resend-once-0002']);
    expect([...new Set(dashboard.updates.filter((summary) => summary.id === id).map((summary) => summary.unread))]).toEqual([1, 2]);
    const stored = await Conversation.findById(id).lean();
    expect(stored?.messageCount).toBe(2);
    expect((stored?.unread as unknown as Record<string, number>).team).toBe(2);
  });

  it("when one rep answers, then the team's unread state clears for every rep who has not joined", async () => {
    const [customer, answering, other] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const id = await startConversation(app, customer);
    const [customerSocket, answeringSocket, otherSocket] = await Promise.all([
      socketOf('customer', customer),
      socketOf('rep', answering),
      socketOf('rep', other),
    ]);
    await customerSocket.emitWithAck('message:send', { conversationId: id, clientId: 'team-unread-0001', body: 'Necesito ayuda' });
    const before = await otherSocket.emitWithAck('dashboard:subscribe');
    expect(before.ok && before.conversations.find((row) => row.id === id)?.unread).toBe(1);

    await answeringSocket.emitWithAck('message:send', { conversationId: id, clientId: 'team-unread-0002', body: 'On it' });

    const after = await otherSocket.emitWithAck('dashboard:subscribe');
    expect(after.ok && after.conversations.find((row) => row.id === id)?.unread).toBe(0);
    const customerView = await customerSocket.emitWithAck('conversation:join', { conversationId: id });
    expect(customerView.ok && customerView.conversation.unread).toBe(1);
  });

  it('when someone signals typing into a conversation they have not joined, then nobody there is told', async () => {
    const [alice, bob, rep] = await Promise.all([createCustomer(), createCustomer(), createRep()]);
    const aliceId = await startConversation(app, alice);
    const [aliceSocket, bobSocket, repSocket] = await Promise.all([socketOf('customer', alice), socketOf('customer', bob), socketOf('rep', rep)]);
    expect(await aliceSocket.emitWithAck('conversation:join', { conversationId: aliceId })).toMatchObject({ ok: true });
    expect(await repSocket.emitWithAck('conversation:join', { conversationId: aliceId })).toMatchObject({ ok: true });
    const aliceSaw = record(aliceSocket);
    const repSaw = record(repSocket);

    bobSocket.emit('typing', { conversationId: aliceId });
    repSocket.emit('typing', { conversationId: aliceId });
    await settle(aliceSocket, repSocket, bobSocket);

    expect(aliceSaw.typing).toEqual([aliceId]);
    expect(repSaw.typing).toEqual([]);
  });
});
