import mongoose, { Schema, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { InboundMessage } from './messaging-webhook.schemas.js';

/**
 * Texts Twilio handed over and Parley has not finished with. The webhook only writes here (one
 * insert, unique on the MessageSid: a repeated webhook is recognised at once) and answers; the
 * work (customer, language detection, conversation, pipeline) follows. A text whose work did not
 * finish (a crash, a database error) is taken up again by the sweep, on any instance.
 */
interface InboxRecord {
  messageSid: string;
  event: Record<string, unknown>;
  status: 'pending' | 'done';
  attempts: number;
  claimedAt: Date | null;
}

const inboxSchema = new Schema<InboxRecord>(
  {
    messageSid: { type: String, required: true, unique: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['pending', 'done'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    claimedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, minimize: false },
);
inboxSchema.index({ status: 1, claimedAt: 1 });

const Inbox: Model<InboxRecord> =
  (mongoose.models.MessagingInbox as Model<InboxRecord> | undefined) ?? mongoose.model<InboxRecord>('MessagingInbox', inboxSchema);

/** A claim older than this is taken to be abandoned (its instance died) and is taken up again. */
export const ABANDONED_AFTER_MS = 60_000;

/** Unclaimed, or claimed by work that did not finish in time. */
const claimable = (now: number) => ({
  status: 'pending' as const,
  $or: [{ claimedAt: null }, { claimedAt: mongoose.trusted({ $lt: new Date(now - ABANDONED_AFTER_MS) }) }],
});

export function createInbox(deps: { process: (event: InboundMessage) => Promise<void>; logger: Logger }) {
  const pending = new Set<Promise<void>>();
  // One text at a time per sender, in arrival order: their messages keep their order.
  const perSender = new Map<string, Promise<void>>();

  async function work(event: InboundMessage): Promise<void> {
    const claimed = await Inbox.findOneAndUpdate(
      { messageSid: event.MessageSid, ...claimable(Date.now()) },
      { $set: { claimedAt: new Date() }, $inc: { attempts: 1 } },
    ).lean();
    if (!claimed) return;
    await deps.process(event);
    await Inbox.updateOne({ messageSid: event.MessageSid }, { $set: { status: 'done' } });
  }

  function schedule(event: InboundMessage): void {
    const previous = perSender.get(event.From) ?? Promise.resolve();
    const next = previous
      .then(() => work(event))
      .catch((error: unknown) => deps.logger.error({ err: error, messageSid: event.MessageSid }, 'phone message not processed yet; the sweep retries it'))
      .finally(() => {
        pending.delete(next);
        if (perSender.get(event.From) === next) perSender.delete(event.From);
      });
    perSender.set(event.From, next);
    pending.add(next);
  }

  return {
    /** Records the text once; false when Twilio already delivered it. */
    async accept(event: InboundMessage): Promise<boolean> {
      try {
        await Inbox.create({ messageSid: event.MessageSid, event });
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      schedule(event);
      return true;
    },
    /** Takes up texts left pending by a crash or a failure (claimed long ago or never). */
    async sweep(now = Date.now()): Promise<number> {
      // Only texts older than a claim's lifetime: younger ones are still in their first attempt.
      const stale = await Inbox.find({ ...claimable(now), createdAt: mongoose.trusted({ $lt: new Date(now - ABANDONED_AFTER_MS) }) })
        .limit(100)
        .lean<InboxRecord[]>();
      for (const entry of stale) schedule(entry.event as InboundMessage);
      return stale.length;
    },
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
