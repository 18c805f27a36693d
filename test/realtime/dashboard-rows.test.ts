import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Express } from 'express';
import { summaryForViewer } from '../../client/chat/socket-chat-client.js';
import type { ConversationSummary, DashboardRow } from '../../src/contract/chat.js';
import type { Composition } from '../../src/composition.js';
import { composeTestApp, memoryLogger, testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_dashboard_rows');

let composition: Composition;
let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;

beforeAll(async () => {
  const config = testConfig();
  composition = composeTestApp({ config, logger: memoryLogger().logger, auth: testAuth(config) });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());

const socketOf = async (role: 'customer' | 'rep', account: TestAccount): Promise<ChatSocket> => server.signedIn(await sessionCookie(app, role, account));

function rowsOf(socket: ChatSocket) {
  const rows: DashboardRow[] = [];
  socket.on('conversations:updated', ({ conversations }) => rows.push(...conversations));
  return rows;
}

describe('coalesced dashboard rows', () => {
  it("when a conversation changes, then its rows reach the reps' dashboards and never a customer's socket, even one that asked to subscribe", async () => {
    const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
    const id = await startConversation(app, customer);
    const [customerSocket, dashboard] = await Promise.all([socketOf('customer', customer), socketOf('rep', rep)]);
    const refused = await customerSocket.emitWithAck('dashboard:subscribe');
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dashboard.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
    expect(await customerSocket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });
    const customerRows = rowsOf(customerSocket);
    const repRows = rowsOf(dashboard);
    const ownSummaries: ConversationSummary[] = [];
    customerSocket.on('conversation:updated', (summary) => ownSummaries.push(summary));

    await composition.deps.conversations.messaging.send(rep.user, { conversationId: id, clientId: `rows-rep-${id}`, body: 'How can I help?' });
    await vi.waitFor(() => expect(ownSummaries.length).toBeGreaterThan(0));
    await vi.waitFor(() => expect(repRows.some((row) => row.id === id)).toBe(true));
    // Events to one socket keep their order: a row sent before this answer would be here by now.
    await customerSocket.emitWithAck('conversation:join', { conversationId: id });

    expect(customerRows).toEqual([]);
    expect(ownSummaries.at(-1)).toMatchObject({ id, unread: 1 });
    expect(ownSummaries.at(-1)).not.toHaveProperty('unreadByRep');
  });

  it("when one rep has joined and read and another has not, then each one's dashboard shows their own unread count from the same row", async () => {
    const [customer, member, colleague] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const id = await startConversation(app, customer);
    const { messaging } = composition.deps.conversations;
    const say = (n: number) => messaging.send(customer.user, { conversationId: id, clientId: `rows-customer-${n}-${id}`, body: `Hola ${n}` });
    await say(1);
    await messaging.send(member.user, { conversationId: id, clientId: `rows-member-${id}`, body: 'On it' });
    await say(2);
    // The colleague reads without joining: the queue's count clears, the member's own stays.
    const seen = await say(3);
    await messaging.markRead(colleague.user, id, seen.message.id);
    const dashboard = await socketOf('rep', colleague);
    expect(await dashboard.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
    const rows = rowsOf(dashboard);

    await say(4);
    await vi.waitFor(() => expect(rows.some((row) => row.id === id && row.lastMessagePreview === 'Hola 4')).toBe(true));

    const row = rows.filter((candidate) => candidate.id === id).at(-1) as DashboardRow;
    expect({ unread: row.unread, unreadByRep: row.unreadByRep }).toEqual({ unread: 1, unreadByRep: { [member.user.id]: 3 } });
    expect(summaryForViewer(row, member.user.id).unread).toBe(3);
    expect(summaryForViewer(row, colleague.user.id).unread).toBe(1);
  });
});
