import mongoose, { Schema, type Model } from 'mongoose';
import pLimit from 'p-limit';
import { isDuplicateKeyError } from './errors.js';
import type { Logger } from './logger.js';
import { createWriteBatcher, type BatchOutcome } from './write-batcher.js';
import { updateById } from './update-by-id.js';
import { inboxDatabase } from './database.js';
import { moveDocuments } from './move-documents.js';

/**
 * What a webhook handed over and Parley has not finished with yet. The webhook only writes here
 * (one insert keyed by the event's own id: a repeated webhook is recognised at once) and answers;
 * the work follows. Work that did not finish (a crash, a database error) is taken up again by
 * the sweep, on any instance, so nothing Twilio was told we have is lost.
 *
 * The record's _id is the event's key, so finishing one is an `_id` update, which FerretDB answers
 * from its index; concurrent webhooks' inserts, and finished records' updates, go to the database
 * together (write-batcher.ts). The records live in a database of their own (inboxConnection).
 */
interface InboxRecord {
  _id: string | mongoose.Types.ObjectId;
  event: Record<string, unknown>;
  status: 'pending' | 'done';
  attempts: number;
  claimedAt: Date | null;
  createdAt: Date;
}

export interface DurableInboxOptions<E extends object> {
  /** The mongoose model (and so the collection) this inbox's records live in. */
  model: string;
  /** The record's _id: the same event delivered twice is one record. */
  keyOf(event: E): string;
  /** Events with the same order key are worked one at a time, in arrival order (one sender, one call). */
  orderOf(event: E): string;
  /** A field older records were unique on (their _id is an ObjectId): still written and unique. */
  legacyKey?: string;
  /** What a record is, in logs: `phone message`. */
  label: string;
  process(event: E): Promise<void>;
  logger: Logger;
  /** Records worked at once (default WORKED_AT_ONCE). */
  concurrency?: number;
}

/**
 * Records worked at once, whatever their order keys. The work after the answer (lookups,
 * translation, the pipeline, the dashboards) shares the event loop and the database with the
 * webhooks: unbounded, a burst of hundreds starts hundreds of pipelines at once, and the next
 * webhook waits behind all of their callbacks. The rest wait their turn in memory (their records
 * are in the inbox already).
 */
export const WORKED_AT_ONCE = 16;

/** A claim older than this is taken to be abandoned (its instance died) and is taken up again. */
export const ABANDONED_AFTER_MS = 60_000;

/** Unclaimed, or claimed by work that did not finish in time. */
const claimable = (now: number) => ({
  status: 'pending' as const,
  $or: [{ claimedAt: null }, { claimedAt: mongoose.trusted({ $lt: new Date(now - ABANDONED_AFTER_MS) }) }],
});

/** Where the inboxes' records live: a database of their own, on a client of its own (database.ts). */
export const inboxConnection = (): mongoose.Connection => inboxDatabase();

function inboxSchema(legacyKey: string | undefined): Schema<InboxRecord> {
  const schema = new Schema<InboxRecord>(
    {
      ...(legacyKey ? { [legacyKey]: { type: String, required: true, unique: true } } : {}),
      event: { type: Schema.Types.Mixed, required: true },
      status: { type: String, enum: ['pending', 'done'], default: 'pending' },
      attempts: { type: Number, default: 0 },
      claimedAt: { type: Date, default: null },
    },
    { timestamps: { createdAt: true, updatedAt: false }, minimize: false },
  );
  schema.index({ status: 1, claimedAt: 1 });
  return schema;
}

/** The inbox's model on the inbox database (looked up when used: the database is connected by then). */
function inboxModel(name: string, schema: Schema<InboxRecord>): Model<InboxRecord> {
  const connection = inboxConnection();
  return (connection.models[name] as Model<InboxRecord> | undefined) ?? connection.model<InboxRecord>(name, schema);
}

/** Per item of an unordered insert: true when new, false when its key was there already. */
function insertOutcomes(count: number, error: unknown): BatchOutcome<boolean>[] {
  if (!(error instanceof mongoose.mongo.MongoBulkWriteError) || !error.writeErrors) throw error;
  const failed = new Map((Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map((item) => [item.index, item]));
  return Array.from({ length: count }, (_, index): BatchOutcome<boolean> => {
    const writeError = failed.get(index);
    if (!writeError) return { ok: true, value: true };
    return isDuplicateKeyError(writeError) ? { ok: true, value: false } : { ok: false, error: new Error(writeError.errmsg ?? 'inbox insert failed') };
  });
}

/**
 * Moves the records an earlier version left pending in the main database (the same collection
 * name there) into the inbox database, as they were: the sweep then takes them up like its own.
 * Copied before removed, so a stop half-way copies again (a record already there is a duplicate,
 * skipped). Finished records stay where they were: they only stood for repeats of old webhooks.
 */
async function adoptEarlierRecords(model: Model<InboxRecord>, label: string, logger: Logger): Promise<number> {
  // Its indexes first: an adopted record keyed by its legacy field must still collide with a repeat.
  await model.init();
  const target = model.collection as unknown as mongoose.mongo.Collection<InboxRecord>;
  const earlier = mongoose.connection.collection<InboxRecord>(target.collectionName);
  const moved = await moveDocuments(earlier, target, { filter: { status: 'pending' }, batch: 200 });
  if (moved > 0) logger.info({ moved }, `${label} records left pending by an earlier version moved to the inbox database`);
  return moved;
}

/** A record to work on: claimed when this process's webhook recorded it; else the sweep's, to claim as of `now`. */
interface Entry<E> {
  id: InboxRecord['_id'];
  event: E;
  claimed: true | { now: number };
}

export function createDurableInbox<E extends object>(options: DurableInboxOptions<E>) {
  const { logger, legacyKey } = options;
  const schema = inboxSchema(legacyKey);
  const model = () => inboxModel(options.model, schema);
  // The collection itself: no mongoose documents on the webhook's path.
  const records = () => model().collection as unknown as mongoose.mongo.Collection<InboxRecord>;
  let adopted: Promise<number> | undefined;
  const pending = new Set<Promise<void>>();
  const inOrder = new Map<string, Promise<void>>();
  const slot = pLimit(options.concurrency ?? WORKED_AT_ONCE);

  async function insert(events: readonly E[]): Promise<BatchOutcome<boolean>[]> {
    const now = new Date();
    const fresh = events.map((event): InboxRecord => {
      const key = options.keyOf(event);
      return { _id: key, ...(legacyKey ? { [legacyKey]: key } : {}), event: { ...event } as Record<string, unknown>, status: 'pending', attempts: 1, claimedAt: now, createdAt: now };
    });
    try {
      await records().insertMany(fresh, { ordered: false });
      return events.map(() => ({ ok: true, value: true }));
    } catch (error) {
      return insertOutcomes(events.length, error);
    }
  }

  async function markDone(ids: readonly InboxRecord['_id'][]): Promise<BatchOutcome<void>[]> {
    await records().bulkWrite(ids.map((id) => updateById({ _id: id }, { $set: { status: 'done' as const } })), { ordered: false });
    return ids.map(() => ({ ok: true, value: undefined }));
  }

  const recorder = createWriteBatcher<E, boolean>({ write: insert, maxItems: 200, concurrency: 4 });
  const finisher = createWriteBatcher<InboxRecord['_id'], void>({ write: markDone, maxItems: 200, concurrency: 4 });

  async function claim(entry: Entry<E>): Promise<boolean> {
    if (entry.claimed === true) return true;
    const { now } = entry.claimed;
    const claimed = await records().findOneAndUpdate({ _id: entry.id, ...claimable(now) }, { $set: { claimedAt: new Date(now) }, $inc: { attempts: 1 } });
    return Boolean(claimed);
  }

  async function work(entry: Entry<E>): Promise<void> {
    if (!(await claim(entry))) return;
    await options.process(entry.event);
    await finisher.submit(entry.id);
  }

  function schedule(entry: Entry<E>): void {
    const order = options.orderOf(entry.event);
    const next = (inOrder.get(order) ?? Promise.resolve())
      // A slot only once its turn in its order came: a waiting sender holds none.
      .then(() => slot(() => work(entry)))
      .catch((error: unknown) => logger.error({ err: error, key: String(entry.id) }, `${options.label} not processed yet; the sweep retries it`))
      .finally(() => {
        pending.delete(next);
        if (inOrder.get(order) === next) inOrder.delete(order);
      });
    inOrder.set(order, next);
    pending.add(next);
  }

  return {
    /** Records the event once (claimed for this process's first attempt) and starts its work; false when it was there already. */
    async accept(event: E): Promise<boolean> {
      if (!(await recorder.submit(event))) return false;
      schedule({ id: options.keyOf(event), event, claimed: true });
      return true;
    },
    /** Takes up records left pending by a crash or a failure (claimed long ago or never); answers how many. */
    async sweep(now = Date.now()): Promise<number> {
      // Once per process, first: what an earlier version left pending in the main database.
      adopted ??= adoptEarlierRecords(model(), options.label, logger).catch((error: unknown) => {
        adopted = undefined;
        throw error;
      });
      await adopted;
      // Only records older than a claim's lifetime: younger ones are still in their first attempt.
      const stale = await model().find({ ...claimable(now), createdAt: mongoose.trusted({ $lt: new Date(now - ABANDONED_AFTER_MS) }) }).limit(100).lean<InboxRecord[]>();
      for (const record of stale) schedule({ id: record._id, event: record.event as E, claimed: { now } });
      return stale.length;
    },
    /** Resolves when the work of every record taken so far is done (or failed). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type DurableInbox<E extends object> = ReturnType<typeof createDurableInbox<E>>;
