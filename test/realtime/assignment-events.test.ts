import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ConversationSummary, HandOverNotice, TeamMember } from '../../src/contract/chat.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_assignment_events');

let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;

beforeAll(async () => {
  const composition = composeTestApp({ config: testConfig(), logger: memoryLogger().logger });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());

const socketOf = async (role: 'customer' | 'rep', account: TestAccount): Promise<ChatSocket> => server.signedIn(await sessionCookie(app, role, account));

/** Every event a socket receives from now on, with its payload as JSON. */
function record(socket: ChatSocket) {
  const events: { name: string; json: string }[] = [];
  const handedOver: HandOverNotice[] = [];
  const updates: ConversationSummary[] = [];
  const messages: ChatMessage[] = [];
  const team: TeamMember[][] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, json: JSON.stringify(payload) }));
  socket.on('conversation:handed-over', (notice) => handedOver.push(notice));
  socket.on('conversation:updated', (summary) => updates.push(summary));
  socket.on('message:new', (message) => messages.push(message));
  socket.on('team:updated', (members) => team.push(members));
  return { events, handedOver, updates, messages, team };
}

async function repAgent(account: TestAccount) {
  const agent = await loginAgent(app, { role: 'rep', ...account });
  return { agent, csrf: await csrfToken(agent) };
}

describe('assignment events reach reps only', () => {
  it('when the owner hands a conversation over, then the new owner is told with the note, and the customer hears only the system line', async () => {
    const [customer, ana, bo] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const id = await startConversation(app, customer);
    const [customerSocket, anaSocket, boSocket] = await Promise.all([socketOf('customer', customer), socketOf('rep', ana), socketOf('rep', bo)]);
    expect(await customerSocket.emitWithAck('conversation:join', { conversationId: id })).toMatchObject({ ok: true });
    expect(await boSocket.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
    const toCustomer = record(customerSocket);
    const toAna = record(anaSocket);
    const toBo = record(boSocket);
    const anaHttp = await repAgent(ana);
    await anaHttp.agent.post(`/support/${id}/join`).type('form').send({ _csrf: anaHttp.csrf });

    const res = await anaHttp.agent
      .post(`/api/conversations/${id}/hand-over`)
      .set('x-csrf-token', anaHttp.csrf)
      .send({ repId: bo.user.id, note: 'Secret: refund approved' });
    expect(res.status).toBe(200);

    await vi.waitFor(() => expect(toBo.handedOver).toEqual([{ conversationId: id, customerName: customer.username, fromName: ana.username, note: 'Secret: refund approved' }]));
    await vi.waitFor(() => expect(toCustomer.messages.map((m) => m.body)).toEqual([`You are now talking to ${bo.username}`]));
    await vi.waitFor(() => expect(toCustomer.updates.length).toBeGreaterThan(0));
    // The customer's socket never carries the owner, the note or a hand-over event.
    expect(toCustomer.events.map((event) => event.name)).not.toContain('conversation:handed-over');
    expect(toCustomer.events.some((event) => /Secret|assignee/.test(event.json))).toBe(false);
    expect(toAna.handedOver).toEqual([]);
  });

  it('when a rep sets themselves away, then the dashboards hear it and the customer does not', async () => {
    const [customer, ana, bo] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const id = await startConversation(app, customer);
    const [customerSocket, boSocket] = await Promise.all([socketOf('customer', customer), socketOf('rep', bo)]);
    await customerSocket.emitWithAck('conversation:join', { conversationId: id });
    expect(await customerSocket.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: false });
    await boSocket.emitWithAck('dashboard:subscribe');
    const toCustomer = record(customerSocket);
    const toBo = record(boSocket);
    const anaHttp = await repAgent(ana);

    await anaHttp.agent.post('/support/availability').set('x-csrf-token', anaHttp.csrf).set('Accept', 'application/json').send({ availability: 'away' });

    await vi.waitFor(() => expect(toBo.team.at(-1)).toContainEqual(expect.objectContaining({ id: ana.user.id, availability: 'away' })));
    await customerSocket.emitWithAck('conversation:join', { conversationId: id });
    expect(toCustomer.team).toEqual([]);
  });
});
