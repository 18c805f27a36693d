// Changes to conversations made by another process than the serving instance (the admin CLI
// closing or deleting one, assigning it): that process leaves a notice, and the server, which
// polls the few notices every couple of seconds, forgets its recent view of those conversations
// and reads them again into its dashboard queue (dashboard-queue.ts).
// So a single instance can keep its views until they are evicted (it writes every other change
// through them) and still stops sends to a conversation the CLI closed within one poll.
// Portable: no change streams (FerretDB 1.x has none), only a small collection read and emptied.
import mongoose, { Schema, type Model, type Types } from 'mongoose';
import type { Logger } from '../lib/logger.js';
import { conversationCache } from './conversation-cache.js';
import { dashboardQueue } from './dashboard-queue.js';

interface NoticeRecord {
  _id: Types.ObjectId;
  /** A conversation changed by id. */
  conversationId?: string;
  /** The conversations of a customer changed (a write by customer, not by id). */
  customerId?: string;
  /** The database was edited by hand: every view and the whole queue are read again. */
  everything?: boolean;
}

const noticeSchema = new Schema<NoticeRecord>({ conversationId: String, customerId: String, everything: Boolean }, { collection: 'conversation_notices', versionKey: false });

const ConversationNotice: Model<NoticeRecord> =
  (mongoose.models.ConversationNotice as Model<NoticeRecord> | undefined) ?? mongoose.model<NoticeRecord>('ConversationNotice', noticeSchema);

/** How long the serving instance trusts a view while it watches for notices (LRU-bounded too). */
export const watchedViewTtlMs = 10 * 60_000;
/** How often it reads the notices: the longest a change by another process goes unseen (plus one read). */
export const defaultNoticePollMs = 2_000;

/** In the other process (admin CLI), before it ends: one notice per conversation or customer it touched. */
export async function announceTouchedConversations(): Promise<number> {
  const { conversations, customers } = conversationCache.takeTouched();
  const notices = [...conversations.map((conversationId) => ({ conversationId })), ...customers.map((customerId) => ({ customerId }))];
  if (notices.length > 0) await ConversationNotice.insertMany(notices, { lean: true });
  return notices.length;
}

/** After a hand edit of the database (`conversations:resync`): the server reads everything again. */
export async function announceEverythingChanged(): Promise<void> {
  await ConversationNotice.create({ everything: true });
}

/**
 * Reads the notices, forgets those views and reads those conversations again into the dashboard queue. Each notice is applied in two rounds before it is
 * removed: a group commit that was on its way when the first round forgot a view writes its
 * (stale) view back through the cache; the second round forgets that one too.
 */
export function noticeReader() {
  let appliedOnce = new Set<string>();
  return async function applyConversationNotices(): Promise<number> {
    const notices = await ConversationNotice.find({}).limit(1_000).lean();
    for (const notice of notices) {
      if (notice.conversationId) conversationCache.forget(notice.conversationId);
      if (notice.customerId) conversationCache.forgetCustomer(notice.customerId);
    }
    if (notices.some((notice) => notice.everything)) {
      conversationCache.configure(watchedViewTtlMs);
      dashboardQueue.everythingChangedElsewhere();
    } else {
      await dashboardQueue.changedElsewhere([...new Set(notices.flatMap((notice) => notice.conversationId ?? []))]);
    }
    const done = notices.filter((notice) => appliedOnce.has(notice._id.toString())).map((notice) => notice._id);
    if (done.length > 0) await ConversationNotice.deleteMany({ _id: mongoose.trusted({ $in: done }) });
    appliedOnce = new Set(notices.map((notice) => notice._id.toString()));
    return notices.length;
  };
}

/**
 * The serving instance of a single-instance deployment: views live long, notices are applied
 * every `everyMs`. Answers how to stop (views then go back to `fallbackTtlMs`) and a way to apply
 * the notices now (tests, shutdown).
 */
export function watchConversationNotices(options: { everyMs?: number; fallbackTtlMs: number; logger: Logger }) {
  conversationCache.configure(watchedViewTtlMs);
  const apply = noticeReader();
  let running: Promise<unknown> = Promise.resolve();
  const check = () => {
    running = running.then(apply).catch((error: unknown) => {
      // A change may be unseen: every view is read again rather than trusted (notices stay for the next round).
      conversationCache.configure(watchedViewTtlMs);
      options.logger.warn({ err: error }, 'could not read conversation notices; recent views dropped, will retry');
    });
    return running as Promise<void>;
  };
  const timer = setInterval(() => void check(), options.everyMs ?? defaultNoticePollMs);
  timer.unref();
  return {
    check,
    stop(): void {
      clearInterval(timer);
      conversationCache.configure(options.fallbackTtlMs);
    },
  };
}
