import mongoose from 'mongoose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../src/contract/chat.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { Message } from '../../src/conversations/message.model.js';
import { createMessageWriter } from '../../src/conversations/message-writer.js';
import { messageStore, type NewMessage } from '../../src/conversations/message.store.js';
import { createWriteBatcher, type BatchOutcome } from '../../src/lib/write-batcher.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('message_writer');
afterEach(() => void vi.restoreAllMocks());

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

describe('the message writer', () => {
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
