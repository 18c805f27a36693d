// One page of a dashboard queue and the queues' counts: from the process's queue when it keeps one
// (dashboard-queue.ts), else from the queries (several instances); the rows a live dashboard asks
// for by id; and the two shapes the live feed sends every rep (a whole row, a message's activity).
import mongoose from 'mongoose';
import type { DashboardActivity, DashboardRow, QueueCounts, QueueView } from '../contract/chat.js';
import { conversationCache } from './conversation-cache.js';
import { Conversation } from './conversation.model.js';
import { dashboardQueue } from './dashboard-queue.js';
import { conversationStore as store } from './conversation.store.js';
import { toConversationView, toSummary, type ConversationView } from './conversation.view.js';
import { unreadFor } from './unread.js';

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

/**
 * These conversations as they are now, in no particular order; ids that do not exist are left
 * out. From this process's recent views (written through), the others in one `_id $in` read.
 */
export async function dashboardRowsByIds(ids: readonly string[]): Promise<ConversationView[]> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const found: ConversationView[] = [];
  const missing: string[] = [];
  for (const id of unique) {
    const recent = conversationCache.get(id);
    if (recent) found.push(recent);
    else missing.push(id);
  }
  if (missing.length > 0) found.push(...(await Conversation.find({ _id: mongoose.trusted({ $in: missing }) }).lean()).map(toConversationView));
  return found;
}

/** A rep who has not joined: sees the queue's counter. */
const queueReader = { id: '', role: 'rep' } as const;

function unreadByRep(view: ConversationView): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rep of view.reps) counts[rep.id] = unreadFor(view, { id: rep.id, role: 'rep' });
  return counts;
}

/** The whole dashboard row: the same for every rep, with the joined reps' own unread counters. */
export function toDashboardRow(view: ConversationView): DashboardRow {
  return { ...toSummary(view, queueReader), unreadByRep: unreadByRep(view) };
}

/** What a message changes on the row (message-record.ts afterMessage): the rest is as the dashboard holds it. */
export function toDashboardActivity(view: ConversationView): DashboardActivity {
  return {
    id: view.id,
    lastMessagePreview: view.lastMessagePreview,
    lastMessageLanguage: view.lastMessageLanguage,
    lastActivityAt: view.lastActivityAt.toISOString(),
    unread: unreadFor(view, queueReader),
    unreadByRep: unreadByRep(view),
  };
}
