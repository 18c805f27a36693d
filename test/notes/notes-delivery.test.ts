import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { startConversation } from '../realtime/socket-harness.js';
import { createCustomer, csrfToken, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { dashboardRows, newNumber, repSends, startPhoneHarness, SUPPORT_NUMBER, type PhoneHarness, type TransportName } from '../messaging-channel/phone-harness.js';

useTestDatabase('private_notes_delivery');

const transports: TransportName[] = ['builtin', 'twilio'];

describe.each(transports)('private notes never leave Parley (%s transport)', (transport) => {
  let harness: PhoneHarness;
  beforeAll(async () => {
    harness = await startPhoneHarness(transport);
  });
  afterAll(async () => harness.close());

  async function addNote(conversationId: string, body: string) {
    const res = await harness.repAgent
      .post(`/api/conversations/${conversationId}/notes`)
      .set('x-csrf-token', await csrfToken(harness.repAgent))
      .set('Accept', 'application/json')
      .send({ clientId: `note-${crypto.randomUUID()}`, body });
    await harness.composition.phones?.idle();
    await harness.conversationsFake?.webhooks.settled();
    return res;
  }

  /** What Twilio Conversations holds for our conversation (nothing on the built-in transport). */
  function twilioBodies(conversationId: string): string[] {
    const fake = harness.conversationsFake;
    if (!fake) return [];
    const created = fake.requests.filter((r) => r.operationId === 'CreateServiceConversationMessage').map((r) => String((r.body as { Body?: string }).Body));
    const found = [...fake.state.conversations.values()].find((c) => c.uniqueName === conversationId);
    const held = found ? (fake.state.messages.get(found.sid) ?? []).map((m) => m.body) : [];
    return [...created, ...held];
  }

  it('when a rep writes a note in an SMS conversation, then the Messages API receives nothing, and the answer after it is sent', async () => {
    const from = newNumber();
    expect((await harness.messaging.text({ from, to: SUPPORT_NUMBER, body: 'Mi pedido no ha llegado' })).status).toBe(200);
    const row = (await dashboardRows(harness)).find((candidate) => candidate.customer.username.endsWith(from.slice(-4)));
    expect(row).toBeDefined();
    const before = harness.messaging.sent.length;

    const noted = await addNote(row!.id, 'Second time this month, escalate');
    expect(noted.status).toBe(201);
    expect(harness.messaging.sent.slice(before)).toEqual([]);
    expect(twilioBodies(row!.id)).not.toContain('Second time this month, escalate');

    expect((await repSends(harness, row!.id, 'How can I help you?')).status).toBe(201);
    const after = harness.messaging.sent.slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.body).not.toContain('escalate');
    expect(await Message.countDocuments({ conversationId: row!.id, kind: 'note' })).toBe(1);
  });

  it('when a rep writes a note in a web conversation, then the transport is handed only the rep\'s answer', async () => {
    const customer = await createCustomer({ language: 'ES' });
    const id = await startConversation(harness.composition.app, customer);
    const customerAgent = await loginAgent(harness.composition.app, { role: 'customer', ...customer });
    const first = await customerAgent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', await csrfToken(customerAgent)).send({ clientId: `c-${crypto.randomUUID()}`, body: 'Hola' });
    expect(first.status).toBe(201);

    expect((await addNote(id, 'Internal: VIP customer')).status).toBe(201);
    expect((await repSends(harness, id, 'Welcome back')).status).toBe(201);
    await harness.conversationsFake?.webhooks.settled();

    const bodies = twilioBodies(id);
    expect(bodies).not.toContain('Internal: VIP customer');
    if (transport === 'twilio') expect(bodies).toContain('Welcome back');
    const note = await Message.findOne({ conversationId: id, kind: 'note' }).lean();
    expect(note?.transportSid).toBeNull();
  });
});
