import mongoose, { Schema, type Model, type Types } from 'mongoose';

export interface SavedReplyRecord {
  /** The rep who keeps it; null for a team reply an admin added from the command line. */
  ownerId: Types.ObjectId | null;
  ownerName: string;
  /** Short, what a rep types after `/` (`refund-policy`). Unique per owner. */
  name: string;
  /** In the author's language: it is translated for each customer like any message. */
  body: string;
  language: string;
  /** Shared replies are listed for every rep; private ones for their owner only. */
  shared: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const savedReplySchema = new Schema<SavedReplyRecord>(
  {
    ownerId: { type: Schema.Types.ObjectId, default: null },
    ownerName: { type: String, required: true },
    name: { type: String, required: true },
    body: { type: String, required: true },
    language: { type: String, required: true },
    shared: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'saved_replies' },
);

savedReplySchema.index({ ownerId: 1, name: 1 }, { unique: true });

export const SavedReply: Model<SavedReplyRecord> =
  (mongoose.models.SavedReply as Model<SavedReplyRecord> | undefined) ?? mongoose.model<SavedReplyRecord>('SavedReply', savedReplySchema);
