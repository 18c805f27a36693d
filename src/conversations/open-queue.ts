// The open conversations in dashboard order (newest activity first), per queue, with their counts:
// plain memory, no database. Each entry is three small fields whatever the conversation holds, so
// the footprint grows with the number of open conversations only (see BENCHMARKS.md, "Dashboard queue").
import { createRequire } from 'node:module';
import type sortedBtree from 'sorted-btree';
import type { QueueCounts, QueueView } from '../contract/chat.js';

/** What the order needs of an open conversation. */
export interface QueueEntry {
  id: string;
  /** Last activity, ms since the epoch. */
  at: number;
  /** The owner's id; null: in the unassigned queue. */
  assignee: string | null;
}

// A CommonJS package whose class is its `default` export: required as such, it is the same under Node, tsx and vitest.
const BTree = (createRequire(import.meta.url)('sorted-btree') as typeof sortedBtree).default;
type Order = InstanceType<typeof BTree<QueueEntry, undefined>>;

/** Newest activity first; ties by id, newest first, so every page is stable. */
function newestFirst(a: QueueEntry, b: QueueEntry): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const newOrder = (): Order => new BTree<QueueEntry, undefined>(undefined, newestFirst);

/** The first `limit` entries of an order after `skip` of them. */
function slice(order: Order | undefined, skip: number, limit: number): string[] {
  const ids: string[] = [];
  if (!order || limit <= 0) return ids;
  let index = 0;
  order.forEachPair((entry) => {
    if (index >= skip) ids.push(entry.id);
    index += 1;
    // forEachPair stops when the callback answers {break}.
    return ids.length >= limit ? { break: true } : undefined;
  });
  return ids;
}

export function createOpenQueue() {
  const entries = new Map<string, QueueEntry>();
  const all = newOrder();
  const unassigned = newOrder();
  const byOwner = new Map<string, Order>();
  /** One copy of each owner's id string, shared by their entries. */
  const ownerIds = new Map<string, string>();

  const ownerOrder = (owner: string, create: boolean): Order | undefined => {
    let order = byOwner.get(owner);
    if (!order && create) byOwner.set(owner, (order = newOrder()));
    return order;
  };
  const queueOf = (entry: QueueEntry, create: boolean) => (entry.assignee === null ? unassigned : ownerOrder(entry.assignee, create));

  function remove(id: string): void {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    all.delete(entry);
    const queue = queueOf(entry, false);
    queue?.delete(entry);
    if (entry.assignee !== null && queue?.size === 0) byOwner.delete(entry.assignee);
  }

  /** An open conversation as it is now (new, newer activity, another owner). */
  function put(id: string, at: number, assignee: string | null): void {
    const current = entries.get(id);
    if (current && current.at === at && current.assignee === assignee) return;
    remove(id);
    const owner = assignee === null ? null : (ownerIds.get(assignee) ?? ownerIds.set(assignee, assignee).get(assignee) ?? assignee);
    const entry: QueueEntry = { id, at, assignee: owner };
    entries.set(id, entry);
    all.set(entry, undefined);
    queueOf(entry, true)?.set(entry, undefined);
  }

  return {
    put,
    remove,
    has: (id: string) => entries.has(id),
    get: (id: string): QueueEntry | undefined => entries.get(id),
    get size(): number {
      return entries.size;
    },
    /** Ids of one queue's open conversations, newest activity first. */
    page(view: QueueView, repId: string | undefined, skip: number, limit: number): string[] {
      if (view === 'all') return slice(all, skip, limit);
      if (view === 'unassigned') return slice(unassigned, skip, limit);
      return slice(repId === undefined ? undefined : byOwner.get(repId), skip, limit);
    },
    counts(repId: string): QueueCounts {
      return { mine: byOwner.get(repId)?.size ?? 0, unassigned: unassigned.size, all: entries.size };
    },
    ids: (): IterableIterator<string> => entries.keys(),
  };
}

export type OpenQueue = ReturnType<typeof createOpenQueue>;
