import mongoose, { Schema, type Model, type Types } from 'mongoose';

export type DeliveryStatus = 'sending' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'refused' | 'read';

/**
 * One rep message on its way to a phone. Created before Twilio is called: the unique message id
 * makes the send happen once, however often the message event is seen.
 */
export interface ChannelDeliveryRecord {
  messageId: Types.ObjectId;
  conversationId: Types.ObjectId;
  customerId: Types.ObjectId;
  /** What the phone receives: the translation, or the original with `untranslated`. */
  body: string;
  language: string;
  untranslated: boolean;
  status: DeliveryStatus;
  /** Twilio's SM… sid once the Messages API accepted it. */
  messageSid: string | null;
  errorCode: number | null;
  /** In words for the rep: why it failed, was refused, or went untranslated. */
  note: string | null;
  segments: number;
  updatedAt: Date;
}

const channelDeliverySchema = new Schema<ChannelDeliveryRecord>(
  {
    messageId: { type: Schema.Types.ObjectId, required: true, unique: true },
    conversationId: { type: Schema.Types.ObjectId, required: true, index: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, required: true },
    language: { type: String, required: true },
    untranslated: { type: Boolean, default: false },
    status: { type: String, required: true },
    messageSid: { type: String, default: null, index: true },
    errorCode: { type: Number, default: null },
    note: { type: String, default: null },
    segments: { type: Number, default: 1 },
  },
  { timestamps: { createdAt: true, updatedAt: true } },
);

export const ChannelDelivery: Model<ChannelDeliveryRecord> =
  (mongoose.models.ChannelDelivery as Model<ChannelDeliveryRecord> | undefined) ??
  mongoose.model<ChannelDeliveryRecord>('ChannelDelivery', channelDeliverySchema);
