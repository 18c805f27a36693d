import mongoose from 'mongoose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/contract/chat.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { toSummary } from '../../src/conversations/index.js';
import { createReadMarkCoalescer } from '../../src/realtime/read-mark-coalescer.js';
import { composeTestApp } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { countWrites, useTestDatabase } from '../support/database.js';

useTestDatabase('read_marks', { monitorCommands: true });

let conversations: ReturnType<typeof composeTestApp>['deps']['conversations'];
beforeAll(() => {
  ({ conversations } = composeTestApp().deps);
});
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** A conversation where the rep wrote `count` messages the customer has not read yet. */
async function unreadReplies(count: number) {
  const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
  const { conversation } = await conversations.conversations.startOrResume(customer.user);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { message } = await conversations.messaging.send(rep.user, { conversationId: conversation.id, clientId: `reply-${i}-${conversation.id}`, body: `Answer ${i}` });
    ids.push(message.id);
  }
  return { id: conversation.id, customer: customer.user, rep: rep.user, ids };
}

/** The read marks as the socket handler collects them, flushed by hand (the window never ends here). */
function readMarks() {
  const errors: unknown[] = [];
  const coalescer = createReadMarkCoalescer({
    windowMs: 60_000,
    apply: ({ user, conversationId, messageId }) => conversations.messaging.markRead(user, conversationId, messageId),
    onError: (error) => errors.push(error),
  });
  stops.push(() => void coalescer.flush());
  return { coalescer, errors };
}

function watch(id: string) {
  const writes = countWrites('conversations');
  const updates: string[] = [];
  const listener = (view: { id: string }) => view.id === id && updates.push(view.id);
  conversations.events.on('updated', listener);
  stops.push(writes.stop, () => conversations.events.off('updated', listener));
  return { writes: writes.writes, updates };
}

const unreadOf = async (id: string, user: User) => toSummary(await conversations.conversations.getForUser(user, id), user).unread;

describe('read marks: one write per window and reader, only when they advance', () => {
  it('when a page sends 20 read marks in one window, then one database write carries the newest, and nothing is unread after the flush', async () => {
    const { id, customer, ids } = await unreadReplies(20);
    const { coalescer, errors } = readMarks();
    const seen = watch(id);

    for (const messageId of [...ids.slice(10), ...ids.slice(0, 10)]) coalescer.mark({ user: customer, conversationId: id, messageId });
    expect(seen.writes).toHaveLength(0);
    await coalescer.flush();

    expect(errors).toEqual([]);
    expect(seen.writes).toHaveLength(1);
    expect(seen.writes[0]).toMatchObject({ query: { lastMessageId: ids[19] }, update: { $set: { [`unread.${customer.id}`]: 0 } } });
    expect(seen.updates).toEqual([id]);
    expect(await unreadOf(id, customer)).toBe(0);
  });

  it('when a mark is older than the newest stored message, then nothing is written and the unread count stays', async () => {
    const { id, customer, rep, ids } = await unreadReplies(2);
    await conversations.messaging.markRead(customer, id, ids[1]);
    const later = await conversations.messaging.send(rep, { conversationId: id, clientId: `later-${id}`, body: 'One more thing' });
    const seen = watch(id);

    // A page that had not received the latest reply yet, and one that repeats an old mark.
    await conversations.messaging.markRead(customer, id, ids[1]);
    await conversations.messaging.markRead(customer, id, ids[0]);

    expect(seen.writes).toHaveLength(0);
    expect(seen.updates).toEqual([]);
    expect(await unreadOf(id, customer)).toBe(1);
    await conversations.messaging.markRead(customer, id, later.message.id);
    expect(await unreadOf(id, customer)).toBe(0);
  });

  it('when a page marks again with nothing new, then nothing is written', async () => {
    const { id, customer, ids } = await unreadReplies(1);
    await conversations.messaging.markRead(customer, id, ids[0]);
    const seen = watch(id);

    await conversations.messaging.markRead(customer, id, ids[0]);

    expect(seen.writes).toHaveLength(0);
  });

  it('when another instance stored a newer message after this one last saw the conversation, then a mark for the older one clears nothing', async () => {
    const { id, customer, ids } = await unreadReplies(1);
    const newer = new mongoose.Types.ObjectId().toString();
    // What another instance's group commit writes; this process's recent view still has ids[0] as the newest.
    await mongoose.connection.collection('conversations').updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      { $set: { lastMessageId: newer }, $inc: { [`unread.${customer.id}`]: 1, messageCount: 1 } },
    );

    await conversations.messaging.markRead(customer, id, ids[0]);
    expect((await conversationStore.findById(id))?.unread[customer.id]).toBe(2);

    await conversations.messaging.markRead(customer, id, newer);
    expect((await conversationStore.findById(id))?.unread[customer.id]).toBe(0);
  });

  it('when a rep reads the queue, then their mark clears the team count every other rep sees', async () => {
    const [customer, rep, other] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const { conversation } = await conversations.conversations.startOrResume(customer.user);
    const sent = [];
    for (let i = 0; i < 3; i += 1) sent.push((await conversations.messaging.send(customer.user, { conversationId: conversation.id, clientId: `ask-${i}-${conversation.id}`, body: `Hola ${i}` })).message);
    const { coalescer } = readMarks();
    expect(await unreadOf(conversation.id, other.user)).toBe(3);

    for (const message of sent) coalescer.mark({ user: rep.user, conversationId: conversation.id, messageId: message.id });
    await coalescer.flush();

    expect(await unreadOf(conversation.id, rep.user)).toBe(0);
    expect(await unreadOf(conversation.id, other.user)).toBe(0);
  });
});
