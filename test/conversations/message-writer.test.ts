import mongoose from 'mongoose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../src/contract/chat.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { Message } from '../../src/conversations/message.model.js';
import { createMessageWriter } from '../../src/conversations/message-writer.js';
import { messageStore, type NewMessage } from '../../src/conversations/message.store.js';
import { createWriteBatcher, type BatchOutcome } from '../../src/lib/write-batcher.js';
import { countWrites, useTestDatabase } from '../support/database.js';

useTestDatabase('message_writer', { monitorCommands: true });
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const person = (role: User['role'], language = role === 'rep' ? 'EN-US' : 'ES'): User => ({
  id: new mongoose.Types.ObjectId().toString(),
  username: `${role}-${Math.random().toString(36).slice(2, 8)}`,
  role,
  language,
});
const newMessage = (author: User, clientId: string, body = clientId): NewMessage => ({ clientId, body, language: author.language, author });

async function conversationWithRep() {
  const customer = person('customer');
  const rep = person('rep');
  const created = await conversationStore.create(customer);
  const joined = (await conversationStore.addRep(created, rep)) ?? created;
  return { customer, rep, conversation: joined };
}

describe('the write batcher (group commit)', () => {
  it('when items are submitted together, then one write carries them in submission order', async () => {
    const writes: number[][] = [];
    const batcher = createWriteBatcher<number, number>({
      write: async (items) => {
        writes.push([...items]);
        return items.map((item) => ({ ok: true, value: item * 2 }));
      },
    });
    expect(await Promise.all([1, 2, 3].map((item) => batcher.submit(item)))).toEqual([2, 4, 6]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('when a write throws, then every caller of that batch sees the error and the next batch is written', async () => {
    let fail = true;
    const batcher = createWriteBatcher<string, string>({
      write: async (items) => {
        if (fail) throw new Error('database down');
        return items.map((item): BatchOutcome<string> => ({ ok: true, value: item }));
      },
    });
    const results = await Promise.allSettled([batcher.submit('a'), batcher.submit('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.submit('c')).toBe('c');
  });

  it('when one item of a batch fails, then only its caller sees the error', async () => {
    const batcher = createWriteBatcher<string, string>({
      write: async (items) => items.map((item): BatchOutcome<string> => (item === 'bad' ? { ok: false, error: new Error('refused') } : { ok: true, value: item })),
    });
    const results = await Promise.allSettled(['ok', 'bad', 'fine'].map((item) => batcher.submit(item)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('the write batcher with a collection window', () => {
  function recording(windowMs: number, maxItems?: number) {
    const writes: string[][] = [];
    const batcher = createWriteBatcher<string, string>({
      windowMs,
      maxItems,
      write: async (items) => {
        writes.push([...items]);
        return items.map((item): BatchOutcome<string> => ({ ok: true, value: item }));
      },
    });
    return { writes, batcher };
  }

  it('when items arrive on different turns within the window, then one write carries them all', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { writes, batcher } = recording(20);
    const first = batcher.submit('a');
    await nextTurn();
    const second = batcher.submit('b');
    await nextTurn();
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(writes).toEqual([['a', 'b']]);
  });

  it('when there is no window, then an item of a later turn goes in a write of its own', async () => {
    const { writes, batcher } = recording(0);
    const first = batcher.submit('a');
    await nextTurn();
    await nextTurn();
    await Promise.all([first, batcher.submit('b')]);
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('when the window fills the group, then it leaves without waiting for the window to end', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { writes, batcher } = recording(1_000, 2);
    const done = Promise.all(['a', 'b'].map((item) => batcher.submit(item)));
    expect(await done).toEqual(['a', 'b']);
    expect(writes).toEqual([['a', 'b']]);
  });

  it('when items arrive while a write is on its way, then they leave as soon as it answers, without a new window', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const writes: string[][] = [];
    const batcher = createWriteBatcher<string, string>({
      windowMs: 20,
      write: async (items) => {
        writes.push([...items]);
        if (writes.length === 1) await answered;
        return items.map((item): BatchOutcome<string> => ({ ok: true, value: item }));
      },
    });
    const first = batcher.submit('a');
    vi.advanceTimersByTime(20);
    await nextTurn();
    const later = [batcher.submit('b'), batcher.submit('c')];
    answer();
    // No timer is advanced again: a second window would leave 'b' and 'c' waiting for ever.
    expect(await Promise.all([first, ...later])).toEqual(['a', 'b', 'c']);
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });
});

describe('the message writer', () => {
  it('with a window, when messages are sent on different turns, then one insert and one conversations write carry them and every one is stored and counted', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const other = await conversationWithRep();
    // Long enough that the sends below, a turn apart, all fall within it however slow the machine.
    const writer = createMessageWriter({ windowMs: 400 });
    const messages = countWrites('messages');
    const conversations = countWrites('conversations');
    const sends: Promise<unknown>[] = [];
    for (const [index, author] of [customer, rep, customer].entries()) {
      sends.push(writer.write(conversation, newMessage(author, `w${index}`), author));
      sends.push(writer.write(other.conversation, newMessage(other.customer, `o${index}`), other.customer));
      await nextTurn();
    }
    await Promise.all(sends);
    messages.stop();
    conversations.stop();

    expect(messages.writes.map((command) => (command.documents as unknown[]).length)).toEqual([6]);
    expect(conversations.writes.map((command) => (command.updates as unknown[]).length)).toEqual([2]);
    expect(await Message.countDocuments({ conversationId: conversation.id })).toBe(3);
    expect(await Message.countDocuments({ conversationId: other.conversation.id })).toBe(3);
    expect(await conversationStore.findById(conversation.id)).toMatchObject({ messageCount: 3, lastMessagePreview: 'w2', unread: { [rep.id]: 1, [customer.id]: 0 } });
    expect((await conversationStore.findById(other.conversation.id))?.messageCount).toBe(3);
  });

  it('with a window, when the insert fails, then every sender it carried is told and nothing is counted', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const writer = createMessageWriter({ windowMs: 400 });
    vi.spyOn(Message.collection, 'insertMany').mockRejectedValueOnce(new Error('database fault'));
    const sends = [writer.write(conversation, newMessage(customer, 'f1'), customer)];
    await nextTurn();
    sends.push(writer.write(conversation, newMessage(rep, 'f2'), rep));
    const results = await Promise.allSettled(sends);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((await conversationStore.findById(conversation.id))?.messageCount).toBe(0);
    expect(await Message.countDocuments({ conversationId: conversation.id })).toBe(0);
  });

  it('when both sides write at once, then history keeps the order sent and the counters add up as one by one', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    const authors = [customer, customer, rep, customer, rep, rep, customer];
    const written = await Promise.all(authors.map((author, index) => writer.write(conversation, newMessage(author, `m${index}`), author)));

    expect(written.every((result) => result.stored.created)).toBe(true);
    const { messages } = await messageStore.page(conversation.id, { limit: 50, notes: false });
    expect(messages.map((message) => message.clientId)).toEqual(authors.map((_, index) => `m${index}`));
    const stored = await conversationStore.findById(conversation.id);
    // After the last rep message the customer wrote once more: one unread for the rep, none for the customer.
    expect(stored).toMatchObject({ messageCount: 7, lastMessagePreview: 'm6', unread: { [customer.id]: 0, [rep.id]: 1, team: 1 } });
    expect(written.at(-1)?.updated).toMatchObject({ messageCount: 7, unread: { [customer.id]: 0, [rep.id]: 1, team: 1 } });
  });

  it('when the same clientId is written twice at once, then it is stored once and the resend answers the stored message', async () => {
    const { customer, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    const [first, second] = await Promise.all([
      writer.write(conversation, newMessage(customer, 'same', 'hola'), customer),
      writer.write(conversation, newMessage(customer, 'same', 'hola'), customer),
    ]);
    expect([first?.stored.created, second?.stored.created]).toEqual([true, false]);
    expect(second?.stored.message.id).toBe(first?.stored.message.id);
    expect(await Message.countDocuments({ conversationId: conversation.id })).toBe(1);
    expect((await conversationStore.findById(conversation.id))?.messageCount).toBe(1);
  });

  it('when the conversations write fails, then each sender of the batch is told and a resend finds the message stored', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    vi.spyOn(Conversation.collection, 'bulkWrite').mockRejectedValueOnce(new Error('database fault'));
    const results = await Promise.allSettled([
      writer.write(conversation, newMessage(customer, 'c1'), customer),
      writer.write(conversation, newMessage(rep, 'r1'), rep),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);

    const resent = await writer.write(conversation, newMessage(customer, 'c1'), customer);
    expect(resent.stored).toMatchObject({ created: false, message: { clientId: 'c1' } });
    expect(await Message.countDocuments({ conversationId: conversation.id })).toBe(2);
  });

  it('when the messages insert fails, then each sender of the batch is told and nothing is counted', async () => {
    const { customer, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    vi.spyOn(Message.collection, 'insertMany').mockRejectedValueOnce(new Error('database fault'));
    const results = await Promise.allSettled([writer.write(conversation, newMessage(customer, 'x1'), customer), writer.write(conversation, newMessage(customer, 'x2'), customer)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((await conversationStore.findById(conversation.id))?.messageCount).toBe(0);
    expect((await writer.write(conversation, newMessage(customer, 'x1'), customer)).stored.created).toBe(true);
  });
});
