// One page of a dashboard queue and the queues' counts: from the process's queue when it keeps one
// (dashboard-queue.ts), else from the queries (several instances).
import type { QueueCounts, QueueView } from '../contract/chat.js';
import { dashboardQueue } from './dashboard-queue.js';
import { conversationStore as store } from './conversation.store.js';
import type { ConversationView } from './conversation.view.js';

export interface DashboardRowsRequest {
  view: QueueView;
  repId: string;
  skip: number;
  /** Rows wanted (the caller asks one more than it shows, to tell whether there are more). */
  limit: number;
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
  // Each row from this process's recent views (written through like the queue), else by _id (FerretDB's index answers it).
  const open = await Promise.all(ids.map((id) => store.findRecent(id)));
  const rows = open.filter((row): row is ConversationView => row !== undefined);
  // "All" lists the closed conversations after the open ones: a page that runs past them asks the database.
  if (view === 'all' && ids.length < limit) {
    rows.push(...(await store.page({ status: 'closed', skip: Math.max(0, skip - counts.all), limit: limit - ids.length })));
  }
  return { rows, counts };
}
