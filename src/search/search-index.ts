import type { ConversationEvents } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import { searchTerms } from '../lib/search-terms.js';
import { updateById } from '../lib/update-by-id.js';
import { adoptEarlierPostings, earlierPostings } from './earlier-postings.js';
import { searchPostings } from './search-posting.model.js';

/** Words of customers' names are kept apart from message words, listing conversation ids. */
export const CUSTOMER_PREFIX = 'c:';
/** A word keeps its newest this many messages: enough for a page of results per word. */
export const POSTINGS_KEPT = 2_000;
/** Ids added to one word (counted by this process) before its newest ids are moved to its older ones. */
export const MOVE_EVERY = 500;
/** Indexing waits this long to write a burst of messages together. */
const FLUSH_MS = 1_000;
/** A word's older ids live under this key; a space never occurs in a word. */
export const olderKey = (term: string): string => `${term} older`;

/** The ids in `lists`, oldest first, each once, the newest `POSTINGS_KEPT`. */
function joined(...lists: readonly (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))].slice(-POSTINGS_KEPT);
}

/**
 * Words → messages, kept up to date from the pipeline's events: the original when a message or
 * note is stored, each translation made on write for a reader; and customers' names → their
 * conversations, when a conversation starts. Indexing runs after the sender's answer, batched
 * (one write per word per second, so it does not crowd the chat's own writes on the embedded database), and never
 * fails a message: a word missed is only a search result missed.
 *
 * Each word is two documents: its newest ids (`_id` the word), appended to, and its older ones
 * (`olderKey`). FerretDB rewrites a whole document on every update, and a common word's list of
 * 2,000 ids cost ~12 ms of its CPU per flush (half a core at one flush per second with 40 words);
 * appending to the short list and moving it to the long one every MOVE_EVERY ids costs a tenth.
 */
export function createSearchIndex(logger: Logger, options: { flushMs?: number } = {}) {
  const appends = new Map<string, number>();
  /** Words waiting to be written, with the ids to add to each: a burst of messages is one write per word. */
  const queued = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  /** Postings an earlier version left in the main database, moved before this process writes any (earlier-postings.ts). */
  let adopted: Promise<unknown> | undefined;
  let moving = true;
  const ready = (): Promise<unknown> => {
    adopted ??= adoptEarlierPostings(logger).then(
      () => { moving = false; },
      (error: unknown) => {
        adopted = undefined;
        throw error;
      },
    );
    return adopted;
  };

  /** Moves a word's newest ids to its older ones (keeping the newest POSTINGS_KEPT there). */
  async function moveToOlder(term: string): Promise<void> {
    const [newest, older] = await Promise.all([searchPostings().findById(term).lean(), searchPostings().findById(olderKey(term)).lean()]);
    if (!newest || newest.ids.length === 0) return;
    await searchPostings().updateOne({ _id: olderKey(term) }, { $set: { ids: joined(older?.ids, newest.ids) } }, { upsert: true });
    // Only the ids moved: ids another writer appended meanwhile stay with the newest.
    await searchPostings().updateOne({ _id: term }, { $pullAll: { ids: newest.ids } });
  }

  /** One bulk write for many words; then a move for words that grew a lot since the last one. */
  async function write(entries: [string, string[]][]): Promise<void> {
    if (entries.length === 0) return;
    await ready();
    await searchPostings().bulkWrite(
      entries.map(([term, ids]) => updateById({ _id: term }, { $addToSet: { ids: { $each: ids } } }, { upsert: true })),
      { ordered: false },
    );
    for (const [term, ids] of entries) {
      const count = (appends.get(term) ?? 0) + ids.length;
      appends.set(term, count >= MOVE_EVERY ? 0 : count);
      if (count >= MOVE_EVERY) await moveToOlder(term);
    }
    if (appends.size > 50_000) appends.clear();
  }

  /** `prefix` keeps other kinds of ids apart: `c:` words of customers' names list conversation ids. */
  const entriesOf = (id: string, text: string, prefix = ''): [string, string[]][] => searchTerms(text).map((term) => [`${prefix}${term}`, [id]]);

  /** Indexes one text now (the benchmark's single message; tools). */
  const add = (id: string, text: string, prefix = ''): Promise<void> => write(entriesOf(id, text, prefix));

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const entries = [...queued].map(([term, ids]): [string, string[]] => [term, [...ids]]);
    queued.clear();
    // One flush at a time: the embedded database takes one writer anyway.
    flushing = flushing.then(() => write(entries)).catch((error: unknown) => logger.warn({ err: error }, 'messages not indexed for search'));
    return flushing;
  }

  function track(id: string, text: string, prefix = ''): void {
    for (const [term, ids] of entriesOf(id, text, prefix)) {
      const set = queued.get(term) ?? new Set<string>();
      for (const one of ids) set.add(one);
      queued.set(term, set);
    }
    timer ??= setTimeout(() => void flush(), options.flushMs ?? FLUSH_MS);
  }

  /** Ids of the messages holding every word, newest first. */
  async function lookup(terms: readonly string[], limit: number): Promise<string[]> {
    const postings = await Promise.all(
      terms.map(async (term) => {
        const [newest, older, earlier] = await Promise.all([
          searchPostings().findById(term).lean(),
          searchPostings().findById(olderKey(term)).lean(),
          // While the earlier version's postings are being moved, a word may still be there.
          moving ? earlierPostings().find({ _id: { $in: [term, olderKey(term)] } }).toArray() : [],
        ]);
        const earlierOf = (key: string) => earlier.find((posting) => posting._id === key)?.ids;
        return newest || older || earlier.length > 0 ? joined(earlierOf(olderKey(term)), earlierOf(term), older?.ids, newest?.ids) : undefined;
      }),
    );
    if (postings.some((posting) => !posting)) return [];
    const [shortest, ...others] = postings.map((posting) => posting!).sort((a, b) => a.length - b.length);
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
      // The move starts with the server; a failed one is tried again by the next flush.
      ready().catch((error: unknown) => logger.warn({ err: error }, 'search postings of an earlier version not moved yet'));
      events.on('message', (message) => track(message.id, message.body));
      events.on('note', (note) => track(note.id, note.body));
      events.on('translated', (message, text) => track(message.id, text));
      events.on('created', (view) => track(view.id, view.customer.username, CUSTOMER_PREFIX));
    },
    /** Writes what is queued now and resolves once it is written (tests, shutdown). */
    idle: (): Promise<void> => flush(),
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
