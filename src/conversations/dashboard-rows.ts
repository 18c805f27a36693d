// One page of a dashboard queue and the queues' counts: from the process's queue when it keeps one
// (dashboard-queue.ts), else from the queries (several instances).
import type { QueueCounts, QueueView } from '../contract/chat.js';
import { conversationCache } from './conversation-cache.js';
import { dashboardQueue } from './dashboard-queue.js';
import { conversationStore as store } from './conversation.store.js';
import type { ConversationView } from './conversation.view.js';
import type { QueueEntry } from './open-queue.js';

export interface DashboardRowsRequest {
  view: QueueView;
  repId: string;
  skip: number;
  /** Rows wanted (the caller asks one more than it shows, to tell whether there are more). */
  limit: number;
}

/** A view agrees with the queue on what orders it (a view read before a newer write does not). */
const agrees = (view: ConversationView, entry: QueueEntry | undefined) =>
  entry !== undefined && view.status === 'open' && view.lastActivityAt.getTime() === entry.at && (view.assignee?.id ?? null) === entry.assignee;

/** A row from the views this process holds, or by _id (FerretDB answers that from its index), kept for the next dashboards. */
async function rowOf(id: string, entry: QueueEntry | undefined): Promise<ConversationView | undefined> {
  const kept = conversationCache.row(id);
  if (kept && agrees(kept, entry)) return kept;
  const found = await store.findRecent(id);
  if (found && agrees(found, entry)) conversationCache.keepRow(found);
  return found;
}

export async function dashboardRows(request: DashboardRowsRequest): Promise<{ rows: ConversationView[]; counts: QueueCounts }> {
  const queue = await dashboardQueue.current();
  if (!queue) {
    const [rows, counts] = await Promise.all([store.page(request), store.queueCounts(request.repId)]);
    return { rows, counts };
  }
  const { view, repId, skip, limit } = request;
  // Read together, before any await: the queue moves with every write.
  const ids = queue.page(view, repId, skip, limit);
  const counts = queue.counts(repId);
  const open = await Promise.all(ids.map((id) => rowOf(id, queue.get(id))));
  const rows = open.filter((row): row is ConversationView => row !== undefined);
  // "All" lists the closed conversations after the open ones: a page that runs past them asks the database.
  if (view === 'all' && ids.length < limit) {
    rows.push(...(await store.page({ status: 'closed', skip: Math.max(0, skip - counts.all), limit: limit - ids.length })));
  }
  return { rows, counts };
}
