import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/contract/chat.js';
import { ConversationEvents } from '../../src/conversations/conversation.events.js';
import type { ConversationView } from '../../src/conversations/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createSearchIndex, MOVE_EVERY, POSTINGS_KEPT, searchPostings } from '../../src/search/index.js';
import { earlierPostings } from '../../src/search/earlier-postings.js';
import { olderKey } from '../../src/search/search-index.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('search_index');

const messageWith = (body: string): ChatMessage => ({
  id: new mongoose.Types.ObjectId().toString(),
  conversationId: new mongoose.Types.ObjectId().toString(),
  clientId: `c-${crypto.randomUUID()}`,
  authorId: new mongoose.Types.ObjectId().toString(),
  authorName: 'lucia',
  authorRole: 'customer',
  body,
  language: 'ES',
  createdAt: new Date().toISOString(),
});

/** `count` messages holding `word`, indexed together (one flush); their ids, oldest first. */
async function indexMessages(index: ReturnType<typeof createSearchIndex>, events: ConversationEvents, word: string, count: number): Promise<string[]> {
  const messages = Array.from({ length: count }, () => messageWith(`${word} again`));
  for (const message of messages) events.emit('message', message, {} as ConversationView);
  await index.idle();
  return messages.map((message) => message.id);
}

describe('search index: a common word stays cheap to append to', () => {
  it('when a word gets more ids than MOVE_EVERY, then its newest list is emptied into its older one, and lookups find old and new ids, newest first', async () => {
    const index = createSearchIndex(createLogger({ level: 'silent' }), { flushMs: 60_000 });
    const events = new ConversationEvents();
    index.subscribe(events);

    const first = await indexMessages(index, events, 'parcel', MOVE_EVERY + 10);
    expect((await searchPostings().findById('parcel').lean())?.ids ?? []).toHaveLength(0);
    expect((await searchPostings().findById(olderKey('parcel')).lean())?.ids).toEqual(first);

    const later = await indexMessages(index, events, 'parcel', 3);
    expect((await searchPostings().findById('parcel').lean())?.ids).toEqual(later);
    expect(await index.lookup(['parcel'], 5)).toEqual([...first.slice(-2), ...later].reverse());
    expect(await index.lookup(['parcel', 'again'], 2)).toEqual(later.slice(-2).reverse());
  });

  it('when a word has held more than POSTINGS_KEPT ids, then only the newest POSTINGS_KEPT are kept and found', async () => {
    const index = createSearchIndex(createLogger({ level: 'silent' }), { flushMs: 60_000 });
    const events = new ConversationEvents();
    index.subscribe(events);
    const ids = await indexMessages(index, events, 'refund', POSTINGS_KEPT + 50);
    const found = await index.lookup(['refund'], POSTINGS_KEPT + 50);
    expect(found).toHaveLength(POSTINGS_KEPT);
    expect(found[0]).toBe(ids.at(-1));
    expect(found).not.toContain(ids[49]);
  });
});

describe('search index: postings an earlier version kept in the main database', () => {
  it('when the main database still holds postings, then they are found at once, moved to the search database before any new posting is written, and found there after', async () => {
    const [oldest, old, newer] = [1, 2, 3].map(() => new mongoose.Types.ObjectId().toString());
    await earlierPostings().insertMany([{ _id: olderKey('invoice'), ids: [oldest!] }, { _id: 'invoice', ids: [old!] }]);
    const index = createSearchIndex(createLogger({ level: 'silent' }), { flushMs: 60_000 });
    expect(await index.lookup(['invoice'], 5)).toEqual([old, oldest]);

    const events = new ConversationEvents();
    index.subscribe(events);
    events.emit('message', { ...messageWith('invoice'), id: newer! }, {} as ConversationView);
    await index.idle();

    expect(await earlierPostings().countDocuments()).toBe(0);
    expect(mongoose.connection.name).not.toBe(searchPostings().db.name);
    expect((await searchPostings().findById('invoice').lean())?.ids).toEqual([old, newer]);
    expect(await index.lookup(['invoice'], 5)).toEqual([newer, old, oldest]);
  });
});
