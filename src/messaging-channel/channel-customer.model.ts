import mongoose, { Schema, type Model, type Types } from 'mongoose';

/**
 * A customer who writes from their phone. Kept apart from web accounts (the users collection):
 * it has no username or password, so it can never log in on the web; its id is the conversation's
 * customer id like any customer's.
 */
export interface ChannelCustomerRecord {
  _id: Types.ObjectId;
  /** `+15551234567` or `whatsapp:+15551234567`: who they are. */
  address: string;
  channel: 'sms' | 'whatsapp';
  /** The number (or WhatsApp sender) they wrote to: answers go out from it. */
  ourAddress: string;
  /** Shown to reps instead of the number unless a name is known. */
  displayName: string;
  language: string;
  /** `default` until a message was long enough to detect; `rep` once a rep chose it (never overridden). */
  languageSource: 'default' | 'detected' | 'rep';
  optedOutAt: Date | null;
  createdAt: Date;
}

const channelCustomerSchema = new Schema<ChannelCustomerRecord>(
  {
    address: { type: String, required: true, unique: true },
    channel: { type: String, enum: ['sms', 'whatsapp'], required: true },
    ourAddress: { type: String, required: true },
    displayName: { type: String, required: true },
    language: { type: String, required: true },
    languageSource: { type: String, enum: ['default', 'detected', 'rep'], default: 'default' },
    optedOutAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const ChannelCustomer: Model<ChannelCustomerRecord> =
  (mongoose.models.ChannelCustomer as Model<ChannelCustomerRecord> | undefined) ??
  mongoose.model<ChannelCustomerRecord>('ChannelCustomer', channelCustomerSchema);
