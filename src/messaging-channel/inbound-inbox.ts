import mongoose, { Schema, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { createWriteBatcher, type BatchOutcome } from '../lib/write-batcher.js';
import { updateById } from '../lib/update-by-id.js';
import type { InboundMessage } from './messaging-webhook.schemas.js';

/**
 * Texts Twilio handed over and Parley has not finished with. The webhook only writes here (one
 * insert, unique on the MessageSid: a repeated webhook is recognised at once) and answers; the
 * work (customer, language detection, conversation, pipeline) follows. A text whose work did not
 * finish (a crash, a database error) is taken up again by the sweep, on any instance.
 *
 * The record's _id is the MessageSid (texts recorded before that have an ObjectId), so finishing
 * one is an `_id` update, which FerretDB answers from its index; concurrent webhooks' inserts, and
 * finished texts' updates, go to the database together (write-batcher.ts).
 */
interface InboxRecord {
  _id: string | mongoose.Types.ObjectId;
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

/** The collection itself (no mongoose documents on the webhook's path), typed with string or ObjectId ids. */
const records = () => Inbox.collection as unknown as mongoose.mongo.Collection<InboxRecord & { createdAt: Date }>;

/** A text to work on: the record's _id and what Twilio sent. */
interface Entry {
  id: InboxRecord['_id'];
  event: InboundMessage;
  /** Claimed when recorded (a webhook's first attempt); the sweep's entries must claim first. */
  claimed: boolean;
}

/** Records texts in one unordered insert; per text, true when new and false when already there. */
async function recordTexts(events: readonly InboundMessage[]): Promise<BatchOutcome<boolean>[]> {
  const now = new Date();
  const fresh = events.map((event) => ({
    _id: event.MessageSid, messageSid: event.MessageSid, event: { ...event }, status: 'pending' as const, attempts: 1, claimedAt: now, createdAt: now,
  }));
  try {
    await records().insertMany(fresh, { ordered: false });
    return events.map(() => ({ ok: true, value: true }));
  } catch (error) {
    if (!(error instanceof mongoose.mongo.MongoBulkWriteError) || !error.writeErrors) throw error;
    const failed = new Map((Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map((item) => [item.index, item]));
    return events.map((_, index): BatchOutcome<boolean> => {
      const writeError = failed.get(index);
      if (!writeError) return { ok: true, value: true };
      return isDuplicateKeyError(writeError) ? { ok: true, value: false } : { ok: false, error: new Error(writeError.errmsg ?? 'inbox insert failed') };
    });
  }
}

async function markDone(ids: readonly InboxRecord['_id'][]): Promise<BatchOutcome<void>[]> {
  await records().bulkWrite(
    ids.map((id) => updateById({ _id: id }, { $set: { status: 'done' as const } })),
    { ordered: false },
  );
  return ids.map(() => ({ ok: true, value: undefined }));
}

export function createInbox(deps: { process: (event: InboundMessage) => Promise<void>; logger: Logger }) {
  const pending = new Set<Promise<void>>();
  // One text at a time per sender, in arrival order: their messages keep their order.
  const perSender = new Map<string, Promise<void>>();
  const recorder = createWriteBatcher<InboundMessage, boolean>({ write: recordTexts, maxItems: 200, concurrency: 4 });
  const finisher = createWriteBatcher<InboxRecord['_id'], void>({ write: markDone, maxItems: 200, concurrency: 4 });

  async function claim(entry: Entry): Promise<boolean> {
    if (entry.claimed) return true;
    const claimed = await records().findOneAndUpdate(
      { _id: entry.id, ...claimable(Date.now()) },
      { $set: { claimedAt: new Date() }, $inc: { attempts: 1 } },
    );
    return Boolean(claimed);
  }

  async function work(entry: Entry): Promise<void> {
    if (!(await claim(entry))) return;
    await deps.process(entry.event);
    await finisher.submit(entry.id);
  }

  function schedule(entry: Entry): void {
    const { event } = entry;
    const previous = perSender.get(event.From) ?? Promise.resolve();
    const next = previous
      .then(() => work(entry))
      .catch((error: unknown) => deps.logger.error({ err: error, messageSid: event.MessageSid }, 'phone message not processed yet; the sweep retries it'))
      .finally(() => {
        pending.delete(next);
        if (perSender.get(event.From) === next) perSender.delete(event.From);
      });
    perSender.set(event.From, next);
    pending.add(next);
  }

  return {
    /** Records the text once (claimed for this process's first attempt); false when Twilio already delivered it. */
    async accept(event: InboundMessage): Promise<boolean> {
      // An older record of the same text (ObjectId _id) still collides on the unique messageSid.
      if (!(await recorder.submit(event))) return false;
      schedule({ id: event.MessageSid, event, claimed: true });
      return true;
    },
    /** Takes up texts left pending by a crash or a failure (claimed long ago or never). */
    async sweep(now = Date.now()): Promise<number> {
      // Only texts older than a claim's lifetime: younger ones are still in their first attempt.
      const stale = await Inbox.find({ ...claimable(now), createdAt: mongoose.trusted({ $lt: new Date(now - ABANDONED_AFTER_MS) }) })
        .limit(100)
        .lean<InboxRecord[]>();
      for (const record of stale) schedule({ id: record._id, event: record.event as InboundMessage, claimed: false });
      return stale.length;
    },
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
