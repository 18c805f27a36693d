import mongoose from 'mongoose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_PAGE_SIZE, type HistoryPage, type User } from '../../src/contract/chat.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { createConversationsFeature } from '../../src/conversations/index.js';
import { RECENT_IDS_KEPT } from '../../src/conversations/message-record.js';
import { createMessageWriter, type MessageWriter } from '../../src/conversations/message-writer.js';
import { Message } from '../../src/conversations/message.model.js';
import { messageStore, type NewMessage } from '../../src/conversations/message.store.js';
import { memoryLogger, testConfig } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('history_newest');
afterEach(() => void vi.restoreAllMocks());

const feature = createConversationsFeature({ config: testConfig(), logger: memoryLogger().logger });
const person = (role: User['role']): User => ({ id: new mongoose.Types.ObjectId().toString(), username: `${role}-${Math.random().toString(36).slice(2, 8)}`, role, language: role === 'rep' ? 'EN-US' : 'ES' });
const text = (author: User, clientId: string, kind?: 'note'): NewMessage => ({ clientId, body: clientId, language: author.language, author, ...(kind ? { kind } : {}) });
const clientIds = (page: HistoryPage) => page.messages.map((message) => message.clientId);

async function started() {
  const customer = person('customer');
  const rep = person('rep');
  const created = await conversationStore.create(customer);
  return { customer, rep, conversation: (await conversationStore.addRep(created, rep)) ?? created };
}

/** What the messages collection answers for the newest page (the query opening used before lists). */
const queried = (conversationId: string, user: User) => messageStore.page(conversationId, { limit: HISTORY_PAGE_SIZE, notes: user.role === 'rep' });
const opened = (conversationId: string, user: User) => feature.messaging.history(user, { conversationId });

/** `count` messages written concurrently, alternating between writers and authors. */
async function writeMany(writers: MessageWriter[], conversation: Awaited<ReturnType<typeof started>>['conversation'], authors: User[], count: number, prefix: string) {
  await Promise.all(
    Array.from({ length: count }, (_, index) => {
      const author = authors[index % authors.length] as User;
      return (writers[index % writers.length] as MessageWriter).write(conversation, text(author, `${prefix}${index}`), author);
    }),
  );
}

describe('opening a conversation: the newest page by the ids the conversation lists', () => {
  it('when two writers store more messages than a page at once, then opening answers the newest page in order, none missing', async () => {
    const { customer, rep, conversation } = await started();
    await writeMany([createMessageWriter(), createMessageWriter()], conversation, [customer, rep], 130, 'm');

    const stored = await conversationStore.findById(conversation.id);
    const newestIds = await messageStore.newestIds(conversation.id, RECENT_IDS_KEPT);
    expect([...(stored?.recentIds ?? [])].sort()).toEqual([...newestIds].sort());
    for (const reader of [customer, rep]) {
      const page = await opened(conversation.id, reader);
      expect(page).toEqual(await queried(conversation.id, reader));
      expect(page.messages).toHaveLength(HISTORY_PAGE_SIZE);
      expect(page.hasMore).toBe(true);
    }
    // Served from the list, not from the query.
    expect(await messageStore.newestListed(stored!, { limit: HISTORY_PAGE_SIZE, notes: true })).toEqual(await queried(conversation.id, rep));
  });

  it("when an older group's conversation update lands after a newer one's, then the list still holds the newest ids", async () => {
    const { customer, rep, conversation } = await started();
    let stored!: () => void;
    let release!: () => void;
    const olderStored = new Promise<void>((resolve) => (stored = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = createMessageWriter({
      stores: {
        storeMany: async (items) => messageStore.storeMany(items).finally(stored),
        recordMessages: async (batch) => held.then(() => conversationStore.recordMessages(batch)),
      },
    });
    const older = writeMany([slow], conversation, [customer], 40, 'old');
    await olderStored;
    await writeMany([createMessageWriter()], conversation, [rep], 40, 'new');
    release();
    await older;

    const listed = (await conversationStore.findById(conversation.id))?.recentIds ?? [];
    expect([...listed].sort()).toEqual(await messageStore.newestIds(conversation.id, RECENT_IDS_KEPT));
    expect(await opened(conversation.id, rep)).toEqual(await queried(conversation.id, rep));
  });

  it('when a conversation holds notes, then reps open them with the messages and customers never see them', async () => {
    const { customer, rep, conversation } = await started();
    const writer = createMessageWriter();
    for (const [index, author] of [customer, rep, customer].entries()) await writer.write(conversation, text(author, `m${index}`), author);
    await writer.write(conversation, text(rep, 'n0', 'note'), rep);

    expect(clientIds(await opened(conversation.id, rep))).toEqual(['m0', 'm1', 'm2', 'n0']);
    expect(await opened(conversation.id, customer)).toEqual({ messages: (await queried(conversation.id, customer)).messages, hasMore: false });
    expect(clientIds(await opened(conversation.id, customer))).toEqual(['m0', 'm1', 'm2']);
  });

  it('when notes fill the whole list, then a customer still opens their newest messages', async () => {
    const { customer, rep, conversation } = await started();
    const writer = createMessageWriter();
    await writer.write(conversation, text(customer, 'm0'), customer);
    for (let index = 0; index < RECENT_IDS_KEPT; index += 1) await writer.write(conversation, text(rep, `n${index}`, 'note'), rep);

    expect(clientIds(await opened(conversation.id, customer))).toEqual(['m0']);
    expect(await opened(conversation.id, rep)).toEqual(await queried(conversation.id, rep));
  });

  it('when a conversation was stored before lists existed, then opening queries it once and lists it for the next time', async () => {
    const customer = person('customer');
    const old = await Conversation.create({ customer: { id: customer.id, username: customer.username, language: 'ES' }, openKey: customer.id, unread: {} });
    const id = old._id.toString();
    await Message.insertMany(Array.from({ length: 70 }, (_, index) => ({ conversationId: old._id, clientId: `old${index}`, authorId: customer.id, authorName: customer.username, authorRole: 'customer', body: `old${index}`, language: 'ES' })));

    const first = await opened(id, customer);
    expect(first).toEqual(await queried(id, customer));
    expect(clientIds(first).at(-1)).toBe('old69');
    const filled = await conversationStore.findById(id);
    expect(filled).toMatchObject({ recentIdsComplete: true, recentIds: await messageStore.newestIds(id, RECENT_IDS_KEPT) });

    await createMessageWriter().write(filled!, text(customer, 'new'), customer);
    expect(clientIds(await opened(id, customer)).at(-1)).toBe('new');
    expect(await opened(id, customer)).toEqual(await queried(id, customer));
  });

  it('when a message is listed while an older conversation is being filled, then the fill leaves the list alone', async () => {
    const customer = person('customer');
    const old = await Conversation.create({ customer: { id: customer.id, username: customer.username, language: 'ES' }, openKey: customer.id, unread: {} });
    const seen = (await conversationStore.findById(old._id.toString()))!;
    const newest = await messageStore.newestIds(seen.id, RECENT_IDS_KEPT);
    await createMessageWriter().write(seen, text(customer, 'meanwhile'), customer);

    await conversationStore.fillRecentIds(seen, newest);
    const after = await conversationStore.findById(seen.id);
    expect(after?.recentIdsComplete).toBe(false);
    expect(clientIds(await opened(seen.id, customer))).toEqual(['meanwhile']);
  });

  it('when the conversation update fails after the message was stored, then opening still shows that message', async () => {
    const { customer, conversation } = await started();
    const writer = createMessageWriter();
    await writer.write(conversation, text(customer, 'before'), customer);
    vi.spyOn(Conversation.collection, 'bulkWrite').mockRejectedValueOnce(new Error('database fault'));
    await expect(writer.write(conversation, text(customer, 'lost-update'), customer)).rejects.toThrow();
    expect((await conversationStore.findById(conversation.id))?.recentIdsComplete).toBe(false);

    expect(clientIds(await opened(conversation.id, customer))).toEqual(['before', 'lost-update']);
  });
});
