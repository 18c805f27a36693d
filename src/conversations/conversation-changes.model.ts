import mongoose, { Schema, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';

export interface ConversationChangesRecord {
  _id: string;
  /** Moves on every conversation write made by a process that does not serve dashboards (the admin CLI). */
  version: number;
  updatedAt: Date;
}

/**
 * One document, read by _id (FerretDB answers that from its index): the server reads it before
 * serving a dashboard and rebuilds its in-process queue when it moved (dashboard-queue.ts).
 */
const conversationChangesSchema = new Schema<ConversationChangesRecord>(
  { _id: { type: String, required: true }, version: { type: Number, default: 0 } },
  { timestamps: { createdAt: false, updatedAt: true }, collection: 'conversation_changes' },
);

const ConversationChanges: Model<ConversationChangesRecord> =
  (mongoose.models.ConversationChanges as Model<ConversationChangesRecord> | undefined) ??
  mongoose.model<ConversationChangesRecord>('ConversationChanges', conversationChangesSchema);

const markId = 'conversations';

export const conversationChanges = {
  /** The current version; 0 before any process announced a change. */
  async version(): Promise<number> {
    return (await ConversationChanges.findById(markId).lean())?.version ?? 0;
  },
  /** Another process changed conversations: servers rebuild their queue before their next dashboard. */
  async announce(): Promise<void> {
    const bump = () => ConversationChanges.updateOne({ _id: markId }, { $inc: { version: 1 } }, { upsert: true });
    // Two first announcements at once: the one that lost the race to create the document applies again.
    await bump().catch((error: unknown) => (isDuplicateKeyError(error) ? bump() : Promise.reject(error)));
  },
};
