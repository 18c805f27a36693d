import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { inboxConnection } from '../../src/lib/durable-inbox.js';
import { useTestDatabase } from '../support/database.js';
import { newNumber, startPhoneHarness, SUPPORT_NUMBER, type PhoneHarness } from './phone-harness.js';

const database = useTestDatabase('phone_inbox');

const COLLECTION = 'messaginginboxes';
const inboxRecords = () => inboxConnection().collection(COLLECTION);
const mainRecords = () => mongoose.connection.collection(COLLECTION);
const sid = (letter: string) => `SM${letter.repeat(32)}`;
const twoMinutesAgo = () => new Date(Date.now() - 120_000);

/** What an earlier version left in the main database when it stopped: texts answered to Twilio, not yet worked. */
const earlier = {
  // Keyed by the MessageSid, claimed by the process that stopped.
  claimed: { from: newNumber(), sid: sid('d'), body: 'Mi pedido no ha llegado todavía' },
  // From before the MessageSid was the _id: an ObjectId, and the MessageSid in `messageSid`.
  legacy: { from: newNumber(), sid: sid('e'), body: 'Necesito cambiar la dirección de entrega' },
  // Finished: stays where it was.
  done: { from: newNumber(), sid: sid('f'), body: 'Gracias por todo' },
};
const eventOf = (text: { from: string; sid: string; body: string }) => ({ MessageSid: text.sid, From: text.from, To: SUPPORT_NUMBER, Body: text.body, NumMedia: 0 });

let harness: PhoneHarness;
beforeAll(async () => {
  const stale = twoMinutesAgo();
  await mainRecords().insertMany([
    { _id: earlier.claimed.sid as never, messageSid: earlier.claimed.sid, event: eventOf(earlier.claimed), status: 'pending', attempts: 1, claimedAt: stale, createdAt: stale },
    { _id: new mongoose.Types.ObjectId(), messageSid: earlier.legacy.sid, event: eventOf(earlier.legacy), status: 'pending', attempts: 0, claimedAt: null, createdAt: stale },
    { _id: earlier.done.sid as never, messageSid: earlier.done.sid, event: eventOf(earlier.done), status: 'done', attempts: 1, claimedAt: stale, createdAt: stale },
  ]);
  // Started on that database, as after an upgrade.
  harness = await startPhoneHarness('builtin');
});
afterAll(async () => harness.close());

describe('the texts inbox', () => {
  it('when a text is accepted, then its record is in the inbox database named after the main one, not in the main database', async () => {
    const from = newNumber();
    const answer = await harness.messaging.text({ from, to: SUPPORT_NUMBER, body: 'Hola, necesito ayuda con mi factura' });
    expect(answer.outcome).toBe('accepted');
    const messageSid = answer.params.MessageSid;
    expect(await Message.countDocuments({ clientId: messageSid })).toBe(1);
    expect(inboxConnection().name).toBe(`${database.name}_inbox`);
    expect(await inboxRecords().findOne({ _id: messageSid as never })).toMatchObject({ status: 'done', event: expect.objectContaining({ From: from }) });
    expect(await mainRecords().countDocuments({ _id: messageSid as never })).toBe(0);
  });

  it('when the app is connected, then the inboxes use a client and pool of their own, so a webhook never queues for the main pool', () => {
    expect(inboxConnection().getClient()).not.toBe(mongoose.connection.getClient());
    expect(inboxConnection().getClient().options.maxPoolSize).toBeLessThan(mongoose.connection.getClient().options.maxPoolSize);
  });

  it('when an earlier version left texts pending in the main database, then after the upgrade each becomes one message and none is left there', async () => {
    await harness.composition.phones!.sweep();
    await harness.composition.phones!.idle();
    for (const text of [earlier.claimed, earlier.legacy]) {
      expect((await Message.find({ clientId: text.sid }).lean()).map((message) => message.body)).toEqual([text.body]);
      expect(await inboxRecords().findOne({ messageSid: text.sid })).toMatchObject({ status: 'done' });
    }
    expect(await mainRecords().countDocuments({ status: 'pending' })).toBe(0);
    // A finished record is left alone: nothing to do for it.
    expect(await mainRecords().countDocuments({ _id: earlier.done.sid as never })).toBe(1);
    expect(await Message.countDocuments({ clientId: earlier.done.sid })).toBe(0);
  });

  it('when Twilio repeats a text that was moved from the main database, then it is a duplicate and still one message', async () => {
    await harness.composition.phones!.sweep();
    await harness.composition.phones!.idle();
    for (const text of [earlier.claimed, earlier.legacy]) {
      const params = { MessageSid: text.sid, SmsSid: text.sid, AccountSid: harness.messaging.accountSid, From: text.from, To: SUPPORT_NUMBER, Body: text.body, NumMedia: '0' };
      const answer = await harness.messaging.redeliver(params);
      expect(answer).toMatchObject({ status: 200, outcome: 'duplicate' });
      expect(await Message.countDocuments({ clientId: text.sid })).toBe(1);
    }
  });
});
