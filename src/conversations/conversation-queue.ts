// The dashboard's queue of open conversations (conversation-queue.model.ts): kept by
// conversation.store.ts, its only caller, next to every change of what the dashboard orders by
// (a conversation created, a message counted, an owner changed, a close).
import type { QueueView } from '../contract/chat.js';
import type { ConversationView } from './conversation.view.js';
import { builtKey, QUEUE_SHARDS, QueueShard, shardOf, type QueueEntry } from './conversation-queue.model.js';

/** An open conversation in the queue. */
export interface Queued {
  id: string;
  at: Date;
  assignee: string | null;
}

const shardIds = Array.from({ length: QUEUE_SHARDS }, (_, shard) => `open:${shard}`);

/** One update per shard of what `entries` change: `$max` keeps the newest activity whatever order two writers arrive in. */
async function write(entries: readonly Queued[], withAssignee: boolean): Promise<void> {
  const byShard = new Map<string, { $max: Record<string, Date>; $set: Record<string, string | null> }>();
  for (const { id, at, assignee } of entries) {
    const update = byShard.get(shardOf(id)) ?? { $max: {}, $set: {} };
    update.$max[`open.${id}.at`] = at;
    if (withAssignee) update.$set[`open.${id}.assignee`] = assignee;
    byShard.set(shardOf(id), update);
  }
  if (byShard.size === 0) return;
  await QueueShard.bulkWrite(
    [...byShard.entries()].map(([_id, { $max, $set }]) => ({
      updateOne: { filter: { _id }, update: Object.keys($set).length > 0 ? { $max, $set } : { $max }, upsert: true },
    })),
    { ordered: false },
  );
}

export const conversationQueue = {
  /** Newly counted messages of open conversations: their last activity (the hot path: one bulk write). */
  touch: (entries: readonly Omit<Queued, 'assignee'>[]): Promise<void> => write(entries.map((entry) => ({ ...entry, assignee: null })), false),
  /** An open conversation with its owner (created, assigned, unassigned). */
  put: (entry: Queued): Promise<void> => write([entry], true),
  async remove(id: string): Promise<void> {
    await QueueShard.updateOne({ _id: shardOf(id) }, { $unset: { [`open.${id}`]: '' } });
  },
  /** Every open conversation, newest activity first; undefined until the queue was built once. */
  async read(): Promise<Queued[] | undefined> {
    const [built, ...shards] = await Promise.all([builtKey, ...shardIds].map((_id) => QueueShard.findById(_id).lean()));
    if (!built) return undefined;
    const entries = shards.flatMap((shard) => Object.entries(shard?.open ?? {}));
    return entries
      .filter((pair): pair is [string, QueueEntry] => pair[1]?.at instanceof Date)
      .map(([id, entry]) => ({ id, at: entry.at, assignee: entry.assignee ?? null }))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id));
  },
  /** Adds every open conversation (merging with what writers add meanwhile), then marks the queue built. */
  async build(open: readonly Queued[]): Promise<void> {
    for (let start = 0; start < open.length; start += 1_000) await write(open.slice(start, start + 1_000), true);
    await QueueShard.updateOne({ _id: builtKey }, { $set: { open: {} } }, { upsert: true });
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
  await reads.rebuild();
  return conversationQueue.read();
}

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
