import mongoose, { Schema, type Model, type Types } from 'mongoose';

/**
 * Someone who phones the support number. Kept apart from web accounts (no password: never a web
 * login) and from SMS customers (a text and a call from one number are separate conversations,
 * each on its own channel); its id is the conversation's customer id like any customer's.
 */
export interface VoiceCallerRecord {
  _id: Types.ObjectId;
  /** E.164, `+15551234567`. */
  address: string;
  /** Shown to reps instead of the number. */
  displayName: string;
  language: string;
  /** Once chosen in the menu, a returning caller is not asked again. */
  languageChosen: boolean;
  createdAt: Date;
}

const voiceCallerSchema = new Schema<VoiceCallerRecord>(
  {
    address: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    language: { type: String, required: true },
    languageChosen: { type: Boolean, default: false },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const VoiceCaller: Model<VoiceCallerRecord> =
  (mongoose.models.VoiceCaller as Model<VoiceCallerRecord> | undefined) ?? mongoose.model<VoiceCallerRecord>('VoiceCaller', voiceCallerSchema);

/** One call, keyed by Twilio's CallSid (every webhook names it; FerretDB answers `_id` lookups from an index). */
export interface VoiceCallRecord {
  _id: string;
  callerId: Types.ObjectId;
  /** Set once the caller's language is known and their conversation started. */
  conversationId: Types.ObjectId | null;
  /** The DeepL code the call runs in, once chosen. */
  language: string | null;
  state: 'menu' | 'live' | 'ended';
  createdAt: Date;
}

const voiceCallSchema = new Schema<VoiceCallRecord>(
  {
    _id: { type: String, required: true },
    callerId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, default: null },
    language: { type: String, default: null },
    state: { type: String, enum: ['menu', 'live', 'ended'], default: 'menu' },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const VoiceCall: Model<VoiceCallRecord> =
  (mongoose.models.VoiceCall as Model<VoiceCallRecord> | undefined) ?? mongoose.model<VoiceCallRecord>('VoiceCall', voiceCallSchema);
