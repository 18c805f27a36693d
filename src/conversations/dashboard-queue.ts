// The dashboard's queues (open conversations by newest activity; mine / unassigned / all counts)
// kept in this process when it is the only server (no REDIS_URL). On FerretDB 1.x the queries
// behind them (filter, sort, three counts) read every conversation, so a dashboard cost grew with
// the data; here a dashboard reads one small _id-keyed document and the rows it shows.
// - Built once from the database (one projected scan of the open conversations) before the first
//   dashboard is served; written through by conversation.store.ts exactly where it refreshes
//   conversation-cache.ts, so this process's own writes are in it at once.
// - Other processes (the admin CLI) leave notices of the conversations they touched
//   (conversation-notices.ts); the server reads those again within a notice round, and rebuilds
//   the whole queue after a hand edit announced with `conversations:resync`.
// - With several instances (mode 'off') the dashboard keeps the queries.
import { Types } from 'mongoose';
import { conversationCache } from './conversation-cache.js';
import { Conversation } from './conversation.model.js';
import type { ConversationView } from './conversation.view.js';
import { createOpenQueue, type OpenQueue } from './open-queue.js';

export type DashboardQueueMode = 'serve' | 'off';

interface Built {
  queue: OpenQueue;
}

type Change = (queue: OpenQueue) => void;

let mode: DashboardQueueMode = 'off';
let built: Built | undefined;
/** Per build under way, the writes that land while it reads: replayed over what it read. */
const duringBuilds = new Set<Change[]>();
let checking: Promise<OpenQueue> | undefined;
/** configure() starts over: a build begun before it is not installed. */
let generation = 0;

function apply(queue: OpenQueue, view: ConversationView): void {
  if (view.status === 'open') queue.put(view.id, view.lastActivityAt.getTime(), view.assignee?.id ?? null);
  else queue.remove(view.id);
}

const openRowProjection = { lastActivityAt: 1, 'assignee.id': 1 };
const putRow = (queue: OpenQueue, row: OpenRow) => queue.put(row._id.toString(), row.lastActivityAt?.getTime() ?? 0, row.assignee?.id?.toString() ?? null);

function record(change: Change): void {
  if (built) change(built.queue);
  for (const changes of duringBuilds) changes.push(change);
}

interface OpenRow {
  _id: { toString(): string };
  lastActivityAt?: Date | null;
  assignee?: { id?: { toString(): string } | null } | null;
}

/** One projected scan of the open conversations, through a cursor (no copy of them all at once). */
async function scan(): Promise<OpenQueue> {
  const queue = createOpenQueue();
  const cursor = Conversation.collection.find<OpenRow>({ status: 'open' }, { projection: openRowProjection, batchSize: 5_000 });
  for await (const row of cursor) putRow(queue, row);
  return queue;
}

/** Cached views of conversations another process changed are read again (their rows must match the order). */
function forgetChanged(before: OpenQueue | undefined, after: OpenQueue): void {
  if (!before) return;
  for (const id of before.ids()) {
    const next = after.get(id);
    const previous = before.get(id);
    if (!next || next.at !== previous?.at || next.assignee !== previous.assignee) conversationCache.forget(id);
  }
  for (const id of after.ids()) if (!before.has(id)) conversationCache.forget(id);
}

async function build(): Promise<OpenQueue> {
  const started = generation;
  const changes: Change[] = [];
  duringBuilds.add(changes);
  try {
    const queue = await scan();
    for (const change of changes) change(queue);
    if (started !== generation) return queue;
    forgetChanged(built?.queue, queue);
    built = { queue };
    return queue;
  } finally {
    duringBuilds.delete(changes);
  }
}

async function check(): Promise<OpenQueue> {
  return built?.queue ?? build();
}

/** Those conversations as they are in the database now (another process changed them): moved, or out of the queue. */
async function readAgain(ids: readonly string[]): Promise<void> {
  const rows = await Conversation.collection
    .find<OpenRow & { status?: string }>({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { projection: { ...openRowProjection, status: 1 } })
    .toArray();
  const open = new Map(rows.filter((row) => row.status === 'open').map((row) => [row._id.toString(), row]));
  for (const id of ids) {
    const row = open.get(id);
    record((queue) => (row ? putRow(queue, row) : queue.remove(id)));
  }
}

export const dashboardQueue = {
  /** 'serve': this process answers dashboards from memory (one server); 'off': several instances. */
  configure(next: DashboardQueueMode): void {
    mode = next;
    built = undefined;
    duringBuilds.clear();
    checking = undefined;
    generation += 1;
  },
  get mode(): DashboardQueueMode {
    return mode;
  },
  /**
   * The queue, current with every process's writes; undefined when the dashboard keeps the
   * queries. Dashboards asking at once share one check (and one build).
   */
  current(): Promise<OpenQueue> | undefined {
    if (mode !== 'serve') return undefined;
    checking ??= check().finally(() => {
      checking = undefined;
    });
    return checking;
  },
  /** Builds it again from the database now (the bench times this; servers do it when another process wrote). */
  async rebuild(): Promise<OpenQueue | undefined> {
    if (mode !== 'serve') return undefined;
    return build();
  },
  /** A conversation as just stored by this process. */
  written(view: ConversationView | undefined): void {
    if (view && mode === 'serve') record((queue) => apply(queue, view));
  },
  /** The conversations of one group commit. */
  writtenMany(views: readonly ConversationView[]): void {
    if (mode === 'serve') for (const view of views) record((queue) => apply(queue, view));
  },
  removed(id: string): void {
    if (mode === 'serve') record((queue) => queue.remove(id));
  },
  /** Another process changed these conversations (its notices): they are read again. */
  async changedElsewhere(ids: readonly string[]): Promise<void> {
    if (mode === 'serve' && (built || duringBuilds.size > 0) && ids.length > 0) await readAgain(ids);
  },
  /** The database was edited by hand (`conversations:resync`): the next dashboard builds the queue again. */
  everythingChangedElsewhere(): void {
    built = undefined;
    checking = undefined;
    generation += 1;
  },
};
