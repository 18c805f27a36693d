import type { ConversationEvents } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import { searchTerms } from '../lib/search-terms.js';
import { SearchPosting } from './search-posting.model.js';

/** Words of customers' names are kept apart from message words, listing conversation ids. */
export const CUSTOMER_PREFIX = 'c:';
/** A word keeps its newest this many messages: enough for a page of results per word. */
export const POSTINGS_KEPT = 2_000;
/** Appends to one word between two checks of its length (a common word grows fast). */
const TRIM_EVERY = 500;

/**
 * Words → messages, kept up to date from the pipeline's events: the original when a message or
 * note is stored, each translation made on write for a reader; and customers' names → their
 * conversations, when a conversation starts. Indexing runs after the sender's
 * answer and never fails a message: a word missed is only a search result missed.
 */
export function createSearchIndex(logger: Logger) {
  const appends = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  async function trimIfLong(term: string): Promise<void> {
    const posting = await SearchPosting.findById(term).lean();
    if (posting && posting.ids.length > POSTINGS_KEPT) await SearchPosting.updateOne({ _id: term }, { $set: { ids: posting.ids.slice(-POSTINGS_KEPT) } });
  }

  /** `prefix` keeps other kinds of ids apart: `c:` words of customers' names list conversation ids. */
  async function add(messageId: string, text: string, prefix = ''): Promise<void> {
    const terms = searchTerms(text).map((term) => `${prefix}${term}`);
    if (terms.length === 0) return;
    // $slice would cap the list in one write, but FerretDB 1.x ignores it: trimmed by checks instead.
    await SearchPosting.bulkWrite(
      terms.map((term) => ({ updateOne: { filter: { _id: term }, update: { $addToSet: { ids: messageId } }, upsert: true } })),
      { ordered: false },
    );
    for (const term of terms) {
      const count = (appends.get(term) ?? 0) + 1;
      appends.set(term, count % TRIM_EVERY);
      if (count === TRIM_EVERY) await trimIfLong(term);
    }
    if (appends.size > 50_000) appends.clear();
  }

  function track(messageId: string, text: string, prefix = ''): void {
    const work = add(messageId, text, prefix).catch((error: unknown) => logger.warn({ err: error, messageId }, 'message not indexed for search'));
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  /** Ids of the messages holding every word, newest first. */
  async function lookup(terms: readonly string[], limit: number): Promise<string[]> {
    const postings = await Promise.all(terms.map((term) => SearchPosting.findById(term).lean()));
    if (postings.some((posting) => !posting)) return [];
    const [shortest, ...others] = postings.map((posting) => posting!.ids).sort((a, b) => a.length - b.length);
    const sets = others.map((ids) => new Set(ids));
    const hits: string[] = [];
    for (let i = (shortest?.length ?? 0) - 1; i >= 0 && hits.length < limit; i -= 1) {
      const id = shortest![i]!;
      if (sets.every((set) => set.has(id))) hits.push(id);
    }
    return hits;
  }

  return {
    lookup,
    add,
    subscribe(events: ConversationEvents): void {
      events.on('message', (message) => track(message.id, message.body));
      events.on('note', (note) => track(note.id, note.body));
      events.on('translated', (message, text) => track(message.id, text));
      events.on('created', (view) => track(view.id, view.customer.username, CUSTOMER_PREFIX));
    },
    /** Resolves once what was queued so far is written (tests, shutdown). */
    idle: async (): Promise<void> => void (await Promise.all([...pending])),
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
