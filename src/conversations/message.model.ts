import mongoose, { Schema, type Model, type Types } from 'mongoose';

export interface MessageRecord {
  conversationId: Types.ObjectId;
  clientId: string;
  authorId: Types.ObjectId;
  authorName: string;
  authorRole: 'customer' | 'rep';
  body: string;
  language: string;
  /** The message's id in the transport that carries it (Twilio's IM… sid); null on the built-in one. */
  transportSid: string | null;
  /** Set when handing the message to the transport failed; a resend of it tries again. */
  deliveryFailedAt: Date | null;
  /** `note`: a private note between reps, never delivered to the customer; `system`: a line Parley
   * wrote ("You are now talking to Ahmed"); `message`: a person's message (also when absent: older ones). */
  kind: 'message' | 'note' | 'system';
  createdAt: Date;
}

/** Every message, whatever carried it: the database is the system of record on every transport. */
const messageSchema = new Schema<MessageRecord>(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    authorName: { type: String, required: true },
    authorRole: { type: String, enum: ['customer', 'rep'], required: true },
    body: { type: String, required: true },
    language: { type: String, required: true },
    transportSid: { type: String, default: null },
    deliveryFailedAt: { type: Date, default: null },
    kind: { type: String, enum: ['message', 'note', 'system'], default: 'message' },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

// A resend after a dropped connection, and Twilio's retried or echoed webhooks, carry the same
// clientId (Twilio messages without one use their sid): each message is stored once.
messageSchema.index({ conversationId: 1, clientId: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, _id: -1 });

export const Message: Model<MessageRecord> =
  (mongoose.models.Message as Model<MessageRecord> | undefined) ?? mongoose.model<MessageRecord>('Message', messageSchema);
