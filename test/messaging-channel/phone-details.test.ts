import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { inboxConnection } from '../../src/lib/durable-inbox.js';
import { ChannelCustomer } from '../../src/messaging-channel/channel-customer.model.js';
import { csrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { channelInfo, dashboardRows, newNumber, repSends, startPhoneHarness, SUPPORT_NUMBER, type PhoneHarness } from './phone-harness.js';

useTestDatabase('phone_details');

let harness: PhoneHarness;
beforeAll(async () => {
  harness = await startPhoneHarness('builtin', { CHANNEL_DEFAULT_LANGUAGE: 'EN-GB' });
});
afterAll(async () => harness.close());

async function text(from: string, body: string, media?: { url: string; contentType: string }[]) {
  const answer = await harness.messaging.text({ from, to: SUPPORT_NUMBER, body, media });
  expect(answer.status).toBe(200);
  return answer;
}

async function rowOf(from: string) {
  const row = (await dashboardRows(harness)).find((candidate) => candidate.customer.username.endsWith(from.slice(-4)));
  expect(row).toBeDefined();
  return row!;
}

describe('a phone customer\'s language', () => {
  it('when the first text is too short to tell, then the default language is used and the next longer text sets it', async () => {
    const from = newNumber();
    await text(from, 'hola');
    expect((await rowOf(from)).customer.language).toBe('EN-GB');
    await text(from, 'Mi pedido no ha llegado todavía');
    const row = await rowOf(from);
    expect(row.customer.language).toBe('ES');
    expect((await channelInfo(harness, row.id)).customer).toMatchObject({ language: 'ES', languageSource: 'detected' });
  });

  it('when a rep sets the language, then answers go out in it and later texts do not change it', async () => {
    const from = newNumber();
    await text(from, 'Necesito ayuda con mi pedido');
    const row = await rowOf(from);
    const csrf = await csrfToken(harness.repAgent);
    const bad = await harness.repAgent.put(`/api/messaging/conversations/${row.id}/language`).set('x-csrf-token', csrf).send({ language: 'XX' });
    expect(bad.status).toBe(400);
    const set = await harness.repAgent.put(`/api/messaging/conversations/${row.id}/language`).set('x-csrf-token', csrf).send({ language: 'es-419' });
    expect(set.status).toBe(200);
    await text(from, 'This is written in English for sure');
    expect((await rowOf(from)).customer.language).toBe('ES-419');
    await repSends(harness, row.id, 'Thank you');
    expect(harness.messaging.sent.at(-1)?.body).toBe('Gracias');
  });

  it('when a customer writes English, then the configured variant is their language', async () => {
    const from = newNumber();
    await text(from, 'My parcel never arrived yesterday');
    expect((await rowOf(from)).customer.language).toBe('EN-US');
  });
});

describe('texts Twilio handed over', () => {
  it('when Twilio delivers the same text twice at once, then one is accepted, the other is a duplicate, and one message is stored', async () => {
    const from = newNumber();
    const sid = `SM${'c'.repeat(32)}`;
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: harness.messaging.accountSid, From: from, To: SUPPORT_NUMBER, Body: 'Mi pedido llegó roto', NumMedia: '0' };
    const answers = await Promise.all([harness.messaging.redeliver(params), harness.messaging.redeliver(params)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => answer.outcome).sort()).toEqual(['accepted', 'duplicate']);
    await harness.composition.phones!.idle();
    expect(await Message.countDocuments({ clientId: sid })).toBe(1);
  });

  it('when a number\'s record was made before records were keyed by their address, then its texts reach that record and no second one is made', async () => {
    const from = newNumber();
    const earlier = await ChannelCustomer.create({ address: from, ourAddress: SUPPORT_NUMBER, channel: 'sms', displayName: `Ana ${from.slice(-4)}`, language: 'ES', languageSource: 'rep' });
    await text(from, 'Mi pedido no ha llegado todavía');
    const row = await rowOf(from);
    expect(row.customer).toMatchObject({ id: earlier._id.toString(), language: 'ES' });
    expect(await ChannelCustomer.countDocuments({ address: from })).toBe(1);
  });

  it('when the server stopped after answering Twilio but before the work, then the sweep takes the text up once', async () => {
    const from = newNumber();
    const messageSid = `SM${'b'.repeat(32)}`;
    // What the webhook had recorded before a crash: the text, unclaimed, two minutes old.
    await inboxConnection().collection('messaginginboxes').insertOne({
      messageSid, status: 'pending', attempts: 0, claimedAt: null, createdAt: new Date(Date.now() - 120_000),
      event: { MessageSid: messageSid, From: from, To: SUPPORT_NUMBER, Body: 'Mi pedido no ha llegado todavía', NumMedia: 0 },
    });
    expect(await harness.composition.phones!.sweep()).toBe(1);
    await harness.composition.phones!.idle();
    expect(await harness.composition.phones!.sweep()).toBe(0);
    const row = await rowOf(from);
    expect(row).toMatchObject({ channel: 'sms', lastMessagePreview: 'Mi pedido no ha llegado todavía' });
    expect(await Message.countDocuments({ conversationId: row.id })).toBe(1);
  });
});

describe('what reaches the rep and the phone', () => {
  it('when the server stopped while an answer was being sent, then the rep sees it may not have arrived', async () => {
    const from = newNumber();
    await text(from, 'Necesito ayuda con mi pedido');
    const row = await rowOf(from);
    const messageId = new mongoose.Types.ObjectId();
    const stale = new Date(Date.now() - 120_000);
    await mongoose.connection.collection('channeldeliveries').insertOne({
      messageId, conversationId: new mongoose.Types.ObjectId(row.id), customerId: new mongoose.Types.ObjectId(row.customer.id),
      body: 'Hola', language: 'ES', untranslated: false, status: 'sending', messageSid: null, errorCode: null, note: null, segments: 1,
      createdAt: stale, updatedAt: stale,
    });
    expect(await harness.composition.phones!.sweepDeliveries()).toBe(1);
    expect((await channelInfo(harness, row.id)).deliveries[messageId.toString()]).toMatchObject({ status: 'failed', note: expect.stringMatching(/may not have reached/) });
  });

  it('when a text has pictures, then the rep gets them as links with their type, not stored', async () => {
    const from = newNumber();
    const url = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
    await text(from, 'Mira la caja rota por favor', [{ url, contentType: 'image/jpeg' }, { url: 'javascript:alert(1)', contentType: 'text/html' }]);
    const row = await rowOf(from);
    const [stored] = await Message.find({ conversationId: row.id }).lean();
    expect(stored?.body).toBe(`Mira la caja rota por favor\n[image/jpeg] ${url}`);
  });

  it('when Twilio refuses a message because the number opted out (21610), then the rep sees failed with why, and the next one is refused', async () => {
    const from = newNumber();
    await text(from, 'Necesito ayuda con mi pedido');
    const row = await rowOf(from);
    harness.messaging.refuseNext(from, 21610);
    const first = await repSends(harness, row.id, 'Thank you');
    expect((await channelInfo(harness, row.id)).deliveries[first.body.message.id as string]).toMatchObject({
      status: 'failed', errorCode: 21610, note: expect.stringMatching(/opted out/),
    });
    expect((await repSends(harness, row.id, 'Hello?')).status).toBe(409);
  });

  it('when DeepL is down, then the answer goes out in the original and the rep is told it was untranslated', async () => {
    const from = newNumber();
    await text(from, 'Necesito ayuda con mi pedido');
    const row = await rowOf(from);
    harness.deepl.setFault('500');
    try {
      const sent = await repSends(harness, row.id, 'We are looking into it');
      expect(harness.messaging.sent.at(-1)?.body).toBe('We are looking into it');
      expect((await channelInfo(harness, row.id)).deliveries[sent.body.message.id as string]).toMatchObject({
        status: 'queued', untranslated: true, note: expect.stringMatching(/untranslated/),
      });
    } finally {
      harness.deepl.setFault(null);
    }
  });

  it('when a rep sends a long answer, then the delivery shows how many SMS segments it took', async () => {
    const from = newNumber();
    await text(from, 'My parcel never arrived yesterday');
    const row = await rowOf(from);
    const sent = await repSends(harness, row.id, 'a'.repeat(200));
    expect((await channelInfo(harness, row.id)).deliveries[sent.body.message.id as string]?.segments).toBe(2);
  });

  it('when someone not signed in asks for phone details, or a rep asks for a conversation that does not exist, then the answer is 401 or 404', async () => {
    const from = newNumber();
    await text(from, 'My parcel never arrived yesterday');
    const row = await rowOf(from);
    expect((await harness.repAgent.get('/api/messaging/conversations/0123456789abcdef01234567').set('Accept', 'application/json')).status).toBe(404);
    const anonymous = await request(harness.composition.app).get(`/api/messaging/conversations/${row.id}`).set('Accept', 'application/json');
    expect(anonymous.status).toBe(401);
  });
});
