// The dashboard's queue of open conversations (conversation-queue.model.ts): kept by
// conversation.store.ts, its only caller, next to every change of what the dashboard orders by
// (a conversation created, a message counted, an owner changed, a close).
import type { QueueView } from '../contract/chat.js';
import type { ConversationView } from './conversation.view.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { createWriteBatcher } from '../lib/write-batcher.js';
import { updateById } from '../lib/update-by-id.js';
import { builtKey, QUEUE_SHARDS, QueueShard, shardOf } from './conversation-queue.model.js';

/** An open conversation in the queue. */
export interface Queued {
  id: string;
  at: Date;
  assignee: string | null;
}

const shardIds = Array.from({ length: QUEUE_SHARDS }, (_, shard) => `open:${shard}`);

type ShardUpdate = ReturnType<typeof updateById<{ _id: string }, Record<string, Record<string, unknown>>>>;

/** One update per shard of what `entries` change: `$max` keeps the newest activity whatever order two writers arrive in. */
function updates(entries: readonly Queued[], withOwner: boolean): ShardUpdate[] {
  const byShard = new Map<string, { $max: Record<string, Date>; $set: Record<string, string | null> }>();
  for (const { id, at, assignee } of entries) {
    const update = byShard.get(shardOf(id)) ?? { $max: {}, $set: {} };
    update.$max[`at.${id}`] = at;
    if (withOwner) update.$set[`owner.${id}`] = assignee;
    byShard.set(shardOf(id), update);
  }
  return [...byShard.entries()].map(([_id, { $max, $set }]): ShardUpdate => {
    const update: Record<string, Record<string, unknown>> = withOwner ? { $max, $set } : { $max };
    return updateById({ _id }, update, { upsert: true });
  });
}

const removal = (id: string): ShardUpdate => updateById({ _id: shardOf(id) }, { $unset: { [`at.${id}`]: '', [`owner.${id}`]: '' } }, { upsert: true });

/**
 * Two upserts of a document that does not exist yet can both insert it; the one that loses gets a
 * duplicate key error, and the document now exists, so the same update applied again succeeds
 * (MongoDB retries such upserts itself; FerretDB 1.x does not).
 */
async function retriedOnRacedUpsert<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return write();
  }
}

/**
 * Every change to the queue in this process goes through one group commit, written in order: the
 * embedded database (FerretDB 1.x) applies an update as read, change, write back, so two updates
 * of one shard at the same moment could lose one. Across processes on FerretDB that remains
 * possible (as for the conversations' counters); MongoDB applies each update atomically.
 */
const writer = createWriteBatcher<ShardUpdate[], undefined>({
  write: async (groups) => {
    const operations = groups.flat();
    if (operations.length > 0) await retriedOnRacedUpsert(() => QueueShard.bulkWrite(operations, { ordered: true }));
    return groups.map(() => ({ ok: true, value: undefined }));
  },
});

export const conversationQueue = {
  /** Newly counted messages of open conversations: their last activity (the hot path: one bulk write). */
  touch: (entries: readonly Omit<Queued, 'assignee'>[]): Promise<undefined> => writer.submit(updates(entries.map((entry) => ({ ...entry, assignee: null })), false)),
  /** An open conversation with its owner (created, assigned, unassigned). */
  put: (entry: Queued): Promise<undefined> => writer.submit(updates([entry], true)),
  remove: (id: string): Promise<undefined> => writer.submit([removal(id)]),
  /** Every open conversation, newest activity first; undefined until the queue was built once. */
  async read(): Promise<Queued[] | undefined> {
    const [built, ...shards] = await Promise.all([builtKey, ...shardIds].map((_id) => QueueShard.findById(_id).lean()));
    if (!built) return undefined;
    return shards
      .flatMap((shard) => Object.entries(shard?.at ?? {}).map(([id, at]) => ({ id, at, assignee: shard?.owner?.[id] ?? null })))
      .filter((entry) => entry.at instanceof Date)
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id));
  },
  /** Adds every open conversation (merging with what writers add meanwhile), then marks the queue built. */
  async build(open: readonly Queued[]): Promise<void> {
    for (let start = 0; start < open.length; start += 1_000) await writer.submit(updates(open.slice(start, start + 1_000), true));
    await retriedOnRacedUpsert(() => QueueShard.updateOne({ _id: builtKey }, { $set: { at: {} } }, { upsert: true }));
  },
};

/** Whether a queued conversation belongs in a dashboard queue. */
export function inQueue(view: QueueView | undefined, repId: string | undefined) {
  return (entry: Pick<Queued, 'assignee'>): boolean => {
    if (view === 'mine') return entry.assignee === repId;
    if (view === 'unassigned') return entry.assignee === null;
    return true;
  };
}

/** What the queue needs of the conversation store (which owns the conversations). */
export interface QueueReads {
  /** Conversations by `_id`, those that exist. */
  rows: (ids: readonly string[]) => Promise<ConversationView[]>;
  /** Closed conversations, newest activity first (a query: only pages past every open one). */
  closed: (skip: number, limit: number) => Promise<ConversationView[]>;
  /** Puts every open conversation in the queue. */
  rebuild: () => Promise<unknown>;
  /** Writes an open conversation's entry again as it is. */
  requeue: (changed: ConversationView | undefined) => Promise<unknown>;
}

/** The queue, built first if this database has never had one. */
export async function readQueue(reads: QueueReads): Promise<Queued[] | undefined> {
  const queue = await conversationQueue.read();
  if (queue) return queue;
  rebuilding ??= Promise.resolve(reads.rebuild()).finally(() => {
    rebuilding = undefined;
  });
  await rebuilding;
  return conversationQueue.read();
}

/** The build under way in this process: dashboards loading at once on a new database share it. */
let rebuilding: Promise<unknown> | undefined;

/**
 * A dashboard page from the queue: its open conversations read by `_id`, then (queue "all") the
 * newest closed ones, which only a page past every open conversation needs. Undefined when a row
 * was not what the queue said (a close or handover another process had not written there yet):
 * that entry is put right and the page is read by query this time.
 */
export async function pageFromQueue(
  options: { view?: QueueView; repId?: string; skip: number; limit: number },
  reads: QueueReads,
): Promise<ConversationView[] | undefined> {
  const inView = (await readQueue(reads))?.filter(inQueue(options.view, options.repId));
  if (!inView) return undefined;
  const wanted = inView.slice(options.skip, options.skip + options.limit);
  const rows = await reads.rows(wanted.map((entry) => entry.id));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const stale = wanted.filter((entry) => {
    const row = byId.get(entry.id);
    return row?.status !== 'open' || (row.assignee?.id ?? null) !== entry.assignee;
  });
  if (stale.length > 0) {
    await Promise.all(stale.map((entry) => (byId.get(entry.id)?.status === 'open' ? reads.requeue(byId.get(entry.id)) : conversationQueue.remove(entry.id))));
    return undefined;
  }
  const missing = options.limit - rows.length;
  if (missing <= 0 || options.view === 'mine' || options.view === 'unassigned') return rows;
  return [...rows, ...(await reads.closed(Math.max(options.skip - inView.length, 0), missing))];
}
