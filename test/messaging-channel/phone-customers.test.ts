import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { ChannelCustomer } from '../../src/messaging-channel/channel-customer.model.js';
import { csrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { twilioSignature } from '../support/twilio-webhooks.js';
import {
  channelInfo, dashboardRows, dashboardSocket, newNumber, PUBLIC_URL, repSends, startPhoneHarness, SUPPORT_NUMBER, WHATSAPP_SENDER,
  type PhoneHarness, type TransportName,
} from './phone-harness.js';

useTestDatabase('phone_customers');

const transports: TransportName[] = ['builtin', 'twilio'];

describe.each(transports)('SMS and WhatsApp customers over the %s transport', (transport) => {
  let harness: PhoneHarness;
  beforeAll(async () => {
    harness = await startPhoneHarness(transport);
  });
  afterAll(async () => harness.close());

  /** A new number writes in; answers the conversation's dashboard row. */
  async function firstText(from: string, body: string, to = SUPPORT_NUMBER) {
    const answer = await harness.messaging.text({ from, to, body });
    expect(answer.status).toBe(200);
    const row = (await dashboardRows(harness)).find((candidate) => candidate.customer.username.endsWith(from.slice(-4)) && candidate.lastMessagePreview === body);
    expect(row).toBeDefined();
    return { answer, row: row! };
  }

  it('when a new number texts in Spanish, then a conversation with channel sms appears live, in Spanish, with an English preview for the rep, and a repeated webhook stores one message', async () => {
    const dashboard = await dashboardSocket(harness);
    const from = newNumber();
    const { answer, row } = await firstText(from, 'Necesito ayuda con mi pedido');

    expect(answer.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response\/>$/);
    expect(row).toMatchObject({ channel: 'sms', customer: { language: 'ES', username: `SMS ••• ${from.slice(-4)}` }, lastMessageLanguage: 'ES', unread: 1 });
    await vi.waitFor(() => expect(dashboard.created.map((summary) => [summary.id, summary.channel])).toContainEqual([row.id, 'sms']));
    // The dashboard translates a row's preview from its language into the rep's, as for web customers.
    const preview = await harness.repAgent
      .post('/translate')
      .set('x-csrf-token', await csrfToken(harness.repAgent))
      .send({ texts: [row.lastMessagePreview], source_lang: row.lastMessageLanguage, target_lang: harness.rep.user.language });
    expect(preview.body.translations[0]).toMatchObject({ text: 'I need help with my order' });

    expect((await harness.messaging.redeliver(answer.params)).status).toBe(200);
    expect(await Message.countDocuments({ conversationId: row.id })).toBe(1);
    expect((await dashboardRows(harness)).find((candidate) => candidate.id === row.id)?.unread).toBe(1);
    dashboard.socket.disconnect();
  });

  it('when the rep answers in English, then the phone gets the Spanish translation once, and delivered / failed 30006 callbacks show on the message', async () => {
    const from = newNumber();
    const { row } = await firstText(from, 'Mi pedido no ha llegado todavía');
    const before = harness.messaging.sent.length;

    const answered = await repSends(harness, row.id, 'How can I help you?');
    expect(answered.status).toBe(201);
    const sent = harness.messaging.sent.slice(before);
    expect(sent.map((m) => [m.to, m.from, m.body, m.statusCallback])).toEqual([
      [from, SUPPORT_NUMBER, '¿En qué puedo ayudarle?', `${PUBLIC_URL}/webhooks/twilio/messaging/status`],
    ]);
    const messageId = answered.body.message.id as string;
    expect((await Message.findById(messageId).lean())?.body).toBe('How can I help you?');
    expect((await channelInfo(harness, row.id)).deliveries[messageId]).toMatchObject({ status: 'queued', sentBody: '¿En qué puedo ayudarle?', segments: 1 });

    expect((await harness.messaging.report(sent[0]!, 'delivered')).status).toBe(200);
    expect((await harness.messaging.report(sent[0]!, 'sent')).outcome).toBe('ignored');
    expect((await channelInfo(harness, row.id)).deliveries[messageId]).toMatchObject({ status: 'delivered', note: null });

    const second = await repSends(harness, row.id, 'Goodbye');
    await harness.messaging.report(harness.messaging.sent.at(-1)!, 'failed', 30006);
    expect((await channelInfo(harness, row.id)).deliveries[second.body.message.id as string]).toMatchObject({
      status: 'failed', errorCode: 30006, note: expect.stringMatching(/cannot receive messages/),
    });
  });

  it('when a text arrives, then it is stored once and, on Twilio Conversations, bridged into the Twilio conversation once with its echo recognised', async () => {
    const { row } = await firstText(newNumber(), 'Buenos días, necesito ayuda');
    const stored = await Message.find({ conversationId: row.id }).lean();
    expect(stored.map((m) => [m.authorId.toString(), m.body, m.language])).toEqual([[row.customer.id, 'Buenos días, necesito ayuda', 'ES']]);
    const fake = harness.conversationsFake;
    if (!fake) return expect(stored[0]?.transportSid).toBeNull();
    await fake.webhooks.settled();
    const twilioConversation = fake.state.findConversation(row.id);
    const bridged = fake.state.messages.get(twilioConversation.sid) ?? [];
    expect(bridged.map((m) => [m.author, m.body])).toEqual([[row.customer.id, 'Buenos días, necesito ayuda']]);
    expect(stored[0]?.transportSid).toBe(bridged[0]?.sid);
    expect(fake.webhooks.delivered.filter((hook) => hook.params.ConversationSid === twilioConversation.sid).map((hook) => hook.status)).toEqual([200]);
    expect(await Message.countDocuments({ conversationId: row.id })).toBe(1);
  });

  it('when a WhatsApp customer writes, then the answer leaves from the WhatsApp sender translated, and a 63016 failure is explained', async () => {
    const from = `whatsapp:${newNumber()}`;
    const { row } = await firstText(from, 'Hola, necesito ayuda con mi pedido por favor', WHATSAPP_SENDER);
    expect(row).toMatchObject({ channel: 'whatsapp', customer: { language: 'ES', username: `WhatsApp ••• ${from.slice(-4)}` } });

    const answered = await repSends(harness, row.id, 'Thank you');
    const sent = harness.messaging.sent.at(-1)!;
    expect([sent.to, sent.from, sent.body]).toEqual([from, WHATSAPP_SENDER, 'Gracias']);
    await harness.messaging.report(sent, 'failed', 63016);
    expect((await channelInfo(harness, row.id)).deliveries[answered.body.message.id as string]).toMatchObject({
      status: 'failed', errorCode: 63016, note: expect.stringMatching(/24-hour window/),
    });
  });

  it('when the number texts STOP, then the rep\'s next message is refused with the reason and nothing is sent; after START it goes out again', async () => {
    const from = newNumber();
    const { row } = await firstText(from, 'Necesito ayuda con mi pedido ahora');
    await harness.messaging.text({ from, to: SUPPORT_NUMBER, body: 'STOP' });
    const before = harness.messaging.sent.length;

    const refused = await repSends(harness, row.id, 'Are you there?');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'recipient_opted_out', message: expect.stringMatching(/texted STOP/) });
    expect(harness.messaging.sent.length).toBe(before);
    expect((await channelInfo(harness, row.id)).customer).toMatchObject({ optedOut: true, note: expect.stringMatching(/START/) });

    await harness.messaging.text({ from, to: SUPPORT_NUMBER, body: 'start' });
    expect((await repSends(harness, row.id, 'Thank you')).status).toBe(201);
    expect(harness.messaging.sent.slice(before).map((m) => [m.to, m.body])).toEqual([[from, 'Gracias']]);
  });

  it('when a messaging webhook has no signature, a wrong one, or one for another URL, then it is refused with 403 and nothing is stored', async () => {
    const from = newNumber();
    const customersBefore = await ChannelCustomer.countDocuments();
    const messagesBefore = await Message.countDocuments();
    const text = { from, to: SUPPORT_NUMBER, body: 'Necesito ayuda con mi pedido' };
    expect((await harness.messaging.text(text, null)).status).toBe(403);
    expect((await harness.messaging.text(text, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    const forged = { MessageSid: `SM${'a'.repeat(32)}`, From: from, To: SUPPORT_NUMBER, Body: 'hola', NumMedia: '0' };
    expect((await harness.messaging.text(text, twilioSignature(harness.messaging.authToken, 'https://elsewhere.example/webhooks/twilio/messaging', forged))).status).toBe(403);
    const sms = harness.messaging.sent.at(-1);
    if (sms) expect((await harness.messaging.report(sms, 'failed', 30003, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    expect(await ChannelCustomer.countDocuments()).toBe(customersBefore);
    expect(await Message.countDocuments()).toBe(messagesBefore);
  });
});
