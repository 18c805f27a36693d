import mongoose from 'mongoose';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryPage, User } from '../../src/contract/chat.js';
import { conversationCache } from '../../src/conversations/conversation-cache.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { MessagePage } from '../../src/conversations/message-page.model.js';
import { Message } from '../../src/conversations/message.model.js';
import { createMessageWriter } from '../../src/conversations/message-writer.js';
import { messageStore, type NewMessage } from '../../src/conversations/message.store.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('history_pages');
afterEach(() => void vi.restoreAllMocks());
afterAll(() => conversationCache.configure(2_000));

const person = (role: User['role']): User => ({
  id: new mongoose.Types.ObjectId().toString(),
  username: `${role}-${Math.random().toString(36).slice(2, 8)}`,
  role,
  language: role === 'rep' ? 'EN-US' : 'ES',
});
const message = (author: User, clientId: string, kind?: 'note'): NewMessage => ({ clientId, body: clientId, language: author.language, author, ...(kind ? { kind } : {}) });

/** Every page from the newest back to the first, oldest message first, as a reader scrolling up sees them. */
async function readAll(conversationId: string, notes: boolean): Promise<{ clientIds: string[]; pages: HistoryPage[] }> {
  const pages: HistoryPage[] = [];
  const messageCount = (await conversationStore.findById(conversationId))?.messageCount ?? 0;
  let before: string | undefined;
  for (;;) {
    const page = await messageStore.page(conversationId, { before, messageCount, limit: 50, notes });
    pages.unshift(page);
    if (!page.hasMore) break;
    before = page.messages[0]?.id;
  }
  return { clientIds: pages.flatMap((page) => page.messages.map((one) => one.clientId)), pages };
}

/** The order the messages collection itself gives (the reference). */
async function storedOrder(conversationId: string, notes: boolean): Promise<string[]> {
  return (await messageStore.all(conversationId, { notes })).map((one) => one.clientId);
}

async function conversationWithRep() {
  const customer = person('customer');
  const rep = person('rep');
  const created = await conversationStore.create(customer);
  return { customer, rep, conversation: (await conversationStore.addRep(created, rep)) ?? created };
}

describe('history pages', () => {
  it('when a conversation holds several pages of messages, then the newest page and every page before it list each message once, in order', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(Array.from({ length: 33 }, (_, k) => round * 33 + k).map((n) => writer.write(conversation, message(n % 3 ? customer : rep, `m${n}`), n % 3 ? customer : rep)));
    }
    const { clientIds, pages } = await readAll(conversation.id, true);
    expect(clientIds).toEqual(Array.from({ length: 132 }, (_, n) => `m${n}`));
    expect(pages.map((page) => page.messages.length)).toEqual([32, 50, 50]);
    expect(pages.at(-1)?.messages.at(-1)?.clientId).toBe('m131');
    expect(await MessagePage.countDocuments({ _id: mongoose.trusted({ $regex: `^${conversation.id}:` }) })).toBe(3);
  });

  it('when notes are spread through the history, then a customer never reads them and a rep reads them in place', async () => {
    const { customer, rep, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    for (let n = 0; n < 180; n += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => n + k).map((i) => (i % 3 === 0 ? writer.write(conversation, message(rep, `n${i}`, 'note'), rep) : writer.write(conversation, message(customer, `m${i}`), customer))));
    }
    const customerReads = await readAll(conversation.id, false);
    expect(customerReads.clientIds).toEqual(await storedOrder(conversation.id, false));
    expect(customerReads.clientIds.some((id) => id.startsWith('n'))).toBe(false);
    expect(customerReads.pages.at(-1)?.messages).toHaveLength(50);
    expect((await readAll(conversation.id, true)).clientIds).toEqual(await storedOrder(conversation.id, true));
  });

  it('when two writers write one conversation at once, each counting from its own out-of-date view as two servers would, then the pages still list every message once, in order', async () => {
    // No cache: each writer counts from the view it read, as two servers would within the cache's time to live.
    conversationCache.configure(0);
    const { customer, rep, conversation } = await conversationWithRep();
    const writers = [createMessageWriter(), createMessageWriter()];
    await Promise.all(
      writers.map(async (writer, side) => {
        const author = side === 0 ? customer : rep;
        for (let round = 0; round < 8; round += 1) {
          const seen = (await conversationStore.findById(conversation.id)) ?? conversation;
          await Promise.all(Array.from({ length: 10 }, (_, k) => writer.write(seen, message(author, `${side}-${round}-${k}`), author)));
        }
      }),
    );
    conversationCache.configure(2_000);
    const { clientIds } = await readAll(conversation.id, true);
    expect(clientIds).toHaveLength(160);
    expect(clientIds).toEqual(await storedOrder(conversation.id, true));
  });

  it('when a recent message is sent again, then the resend is answered from its page by _id, not by a query on clientId', async () => {
    const { customer, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    await Promise.all(Array.from({ length: 70 }, (_, n) => writer.write(conversation, message(customer, `m${n}`), customer)));
    const current = (await conversationStore.findById(conversation.id)) ?? conversation;
    const findOne = vi.spyOn(Message, 'findOne');
    const resent = await writer.write(current, message(customer, 'm12'), customer);
    expect(resent.stored).toMatchObject({ created: false, message: { clientId: 'm12' } });
    // findById is a findOne by _id; the query on (conversation, clientId) is what FerretDB scans for.
    expect(findOne.mock.calls.filter(([filter]) => filter !== undefined && 'clientId' in filter)).toEqual([]);
  });

  it('when the page write fails after the insert, then the sender is told and the resend puts the message in its page', async () => {
    const { customer, conversation } = await conversationWithRep();
    const writer = createMessageWriter();
    vi.spyOn(MessagePage, 'bulkWrite').mockRejectedValueOnce(new Error('database fault'));
    await expect(writer.write(conversation, message(customer, 'lost'), customer)).rejects.toThrow('database fault');
    expect((await readAll(conversation.id, true)).clientIds).toEqual([]);

    const resent = await writer.write(conversation, message(customer, 'lost'), customer);
    expect(resent.stored.created).toBe(false);
    expect((await readAll(conversation.id, true)).clientIds).toEqual(['lost']);
  });

  it('when a database holds messages from before pages, then the reindex writes their pages and paging finds them all', async () => {
    const { customer, conversation } = await conversationWithRep();
    const author = new mongoose.Types.ObjectId(customer.id);
    await Message.insertMany(
      Array.from({ length: 120 }, (_, n) => ({ conversationId: conversation.id, clientId: `old${n}`, authorId: author, authorName: 'c', authorRole: 'customer', body: `old${n}`, language: 'ES', createdAt: new Date() })),
    );
    await Conversation.updateOne({ _id: conversation.id }, { $set: { messageCount: 120 } });
    // Before the reindex the pages are missing: history is read by query, slower but whole.
    expect((await readAll(conversation.id, true)).clientIds).toEqual(Array.from({ length: 120 }, (_, n) => `old${n}`));
    await messageStore.rebuildHistory();
    const find = vi.spyOn(Message, 'find');
    const { clientIds } = await readAll(conversation.id, true);
    expect(clientIds).toEqual(Array.from({ length: 120 }, (_, n) => `old${n}`));
    expect(find).not.toHaveBeenCalled();
  });
});
