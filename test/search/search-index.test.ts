import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/contract/chat.js';
import { ConversationEvents } from '../../src/conversations/conversation.events.js';
import type { ConversationView } from '../../src/conversations/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createSearchIndex, MOVE_EVERY, POSTINGS_KEPT, SearchPosting } from '../../src/search/index.js';
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
    expect((await SearchPosting.findById('parcel').lean())?.ids ?? []).toHaveLength(0);
    expect((await SearchPosting.findById(olderKey('parcel')).lean())?.ids).toEqual(first);

    const later = await indexMessages(index, events, 'parcel', 3);
    expect((await SearchPosting.findById('parcel').lean())?.ids).toEqual(later);
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
