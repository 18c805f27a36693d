import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Express } from 'express';
import { withActivity } from '../../client/chat/dashboard-rows.js';
import type { ConversationSummary, DashboardActivity } from '../../src/contract/chat.js';
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

/** Whole rows and activity alike (both carry the id, preview and unread counters). */
function rowsOf(socket: ChatSocket) {
  const rows: DashboardActivity[] = [];
  socket.on('conversations:updated', ({ conversations, activity }) => rows.push(...conversations, ...activity));
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
    const page = await dashboard.emitWithAck('dashboard:subscribe');
    const held = page.ok ? page.conversations.find((conversation) => conversation.id === id) : undefined;
    expect(held).toBeDefined();
    const rows = rowsOf(dashboard);

    await say(4);
    await vi.waitFor(() => expect(rows.some((row) => row.id === id && row.lastMessagePreview === 'Hola 4')).toBe(true));

    const row = rows.filter((candidate) => candidate.id === id).at(-1) as DashboardActivity;
    expect({ unread: row.unread, unreadByRep: row.unreadByRep }).toEqual({ unread: 1, unreadByRep: { [member.user.id]: 3 } });
    expect(withActivity(held!, row, member.user.id).unread).toBe(3);
    expect(withActivity(held!, row, colleague.user.id)).toMatchObject({ unread: 1, lastMessagePreview: 'Hola 4', customer: held!.customer });
  });

  it('when a dashboard asks for rows by id, then a rep gets each as it is now with their own unread count, unknown ids are left out, and customers and bad requests are refused', async () => {
    const [customer, member, colleague] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const id = await startConversation(app, customer);
    const { messaging } = composition.deps.conversations;
    await messaging.send(member.user, { conversationId: id, clientId: `rows-by-id-member-${id}`, body: 'Hello' });
    await messaging.send(customer.user, { conversationId: id, clientId: `rows-by-id-c1-${id}`, body: 'Hola' });
    await messaging.send(customer.user, { conversationId: id, clientId: `rows-by-id-c2-${id}`, body: 'Sigo aquí' });
    const [memberSocket, colleagueSocket, customerSocket] = await Promise.all([socketOf('rep', member), socketOf('rep', colleague), socketOf('customer', customer)]);
    const unknown = 'f'.repeat(24);

    const forMember = await memberSocket.emitWithAck('dashboard:rows', { ids: [id, unknown] });
    const forColleague = await colleagueSocket.emitWithAck('dashboard:rows', { ids: [id.toUpperCase()] });

    expect(forMember).toEqual({ ok: true, conversations: [expect.objectContaining({ id, lastMessagePreview: 'Sigo aquí', unread: 2, repIds: [member.user.id] })] });
    expect(forColleague).toMatchObject({ ok: true, conversations: [{ id, unread: 2, assignee: expect.anything() }] });
    expect(forMember.ok && forMember.conversations[0]).not.toHaveProperty('unreadByRep');
    expect(await customerSocket.emitWithAck('dashboard:rows', { ids: [id] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const tooMany = Array.from({ length: 101 }, () => id);
    expect(await memberSocket.emitWithAck('dashboard:rows', { ids: tooMany })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await memberSocket.emitWithAck('dashboard:rows', { ids: ['not-an-id'] })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});
