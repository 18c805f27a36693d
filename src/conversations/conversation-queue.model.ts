import mongoose, { Schema, type Model } from 'mongoose';

/** Open conversations by id: when each was last active, and who owns it (flat maps: cheaper to read than a document per entry). */
export interface QueueShardRecord {
  _id: string;
  at: Record<string, Date>;
  owner: Record<string, string | null>;
}

/**
 * The open conversations, by id, in a few `_id`-keyed documents (shards by id): the dashboard's
 * first page, its queues and their counts are read from these (a handful of reads by `_id`, the
 * lookup FerretDB 1.x answers from an index) and the rows by `_id`, however many conversations
 * were closed. conversation.store.ts is the only writer; the document `built` says the shards hold
 * every open conversation (written by the rebuild that a database from before them gets once).
 */
const queueShardSchema = new Schema<QueueShardRecord>(
  { _id: { type: String, required: true }, at: { type: Schema.Types.Mixed, default: () => ({}) }, owner: { type: Schema.Types.Mixed, default: () => ({}) } },
  { versionKey: false, minimize: false },
);

export const QueueShard: Model<QueueShardRecord> =
  (mongoose.models.QueueShard as Model<QueueShardRecord> | undefined) ?? mongoose.model<QueueShardRecord>('QueueShard', queueShardSchema, 'conversation_queue');

export const QUEUE_SHARDS = 16;
export const builtKey = 'built';

/** The shard holding a conversation (ObjectIds end in a counter: spread evenly). */
export const shardOf = (conversationId: string): string => `open:${parseInt(conversationId.slice(-2), 16) % QUEUE_SHARDS}`;
