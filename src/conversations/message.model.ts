import mongoose, { Schema, type Model, type Types } from 'mongoose';

export interface MessageRecord {
  conversationId: Types.ObjectId;
  clientId: string;
  authorId: Types.ObjectId;
  authorName: string;
  authorRole: 'customer' | 'rep';
  body: string;
  language: string;
  createdAt: Date;
}

/** A message of the built-in transport (Twilio keeps its own). */
const messageSchema = new Schema<MessageRecord>(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    authorRole: { type: String, enum: ['customer', 'rep'], required: true },
    body: { type: String, required: true },
    language: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

// A resend after a dropped connection carries the same clientId: it must be stored once.
messageSchema.index({ conversationId: 1, clientId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, _id: -1 });

export const Message: Model<MessageRecord> =
  (mongoose.models.Message as Model<MessageRecord> | undefined) ?? mongoose.model<MessageRecord>('Message', messageSchema);
