import mongoose, { Schema, type Model, type Types } from 'mongoose';
import { CONVERSATION_FORMALITIES, type CallSummary, type ConversationFormality } from '../contract/chat.js';

export interface ConversationRecord {
  customer: { id: Types.ObjectId; username: string; language: string };
  transportId: string | null;
  channel: 'web' | 'sms' | 'whatsapp' | 'phone';
  status: 'open' | 'closed';
  openKey: string;
  reps: { id: Types.ObjectId; username: string; language: string }[];
  lastActivityAt: Date;
  lastMessagePreview: string;
  lastMessageLanguage: string | null;
  /** The newest counted message (notes are not): read marks apply only when they cover it. */
  lastMessageId: string | null;
  messageCount: number;
  /** The newest messages' ids, notes too (message-record.ts); `recentIdsComplete`: it holds all of the newest. */
  recentIds?: string[];
  recentIdsComplete?: boolean;
  unread: Map<string, number>;
  closedAt: Date | null;
  formality: ConversationFormality;
  /** The customer's messages' detected language (base code) and how many in a row; see conversation.store. */
  detectedLanguage: string | null;
  detectedStreak: number;
  languageSuggestion: string | null;
  /** Phone conversations: the latest call (src/voice writes it through conversation.store). */
  call: (Omit<CallSummary, 'startedAt' | 'endedAt'> & { sid: string; startedAt: Date; endedAt: Date | null }) | null;
  /** The rep who owns the conversation (see assignment.service.ts); null: in the unassigned queue. */
  assignee: { id: Types.ObjectId; username: string; since: Date; handedOverBy: string | null; note: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One support conversation. `openKey` makes "resume the open one" race-free without partial
 * indexes: it is the customer's id while the conversation is open (so a second open one for the
 * same customer violates the unique index) and `closed:<conversation id>` once closed.
 */
const conversationSchema = new Schema<ConversationRecord>(
  {
    customer: {
      id: { type: Schema.Types.ObjectId, required: true, index: true },
      username: { type: String, required: true },
      language: { type: String, required: true },
    },
    transportId: { type: String, default: null },
    /** Where the customer writes from; SMS and WhatsApp customers are bridged by src/messaging-channel. */
    channel: { type: String, enum: ['web', 'sms', 'whatsapp', 'phone'], default: 'web' },
    status: { type: String, enum: ['open', 'closed'], default: 'open', required: true },
    openKey: { type: String, required: true, unique: true },
    reps: {
      type: [
        new Schema(
          { id: { type: Schema.Types.ObjectId, required: true }, username: String, language: String },
          { _id: false },
        ),
      ],
      default: [],
    },
    lastActivityAt: { type: Date, default: () => new Date(), required: true },
    lastMessagePreview: { type: String, default: '' },
    lastMessageLanguage: { type: String, default: null },
    lastMessageId: { type: String, default: null },
    messageCount: { type: Number, default: 0 },
    // No defaults: a conversation stored before these existed has neither, and is read the old way.
    recentIds: { type: [String], default: undefined },
    recentIdsComplete: { type: Boolean },
    /** Unread messages per participant (user id), plus `team` for reps who have not joined: see unread.ts. */
    unread: { type: Map, of: Number, default: () => new Map() },
    closedAt: { type: Date, default: null },
    formality: { type: String, enum: CONVERSATION_FORMALITIES, default: 'default' },
    detectedLanguage: { type: String, default: null },
    detectedStreak: { type: Number, default: 0 },
    languageSuggestion: { type: String, default: null },
    call: { type: Schema.Types.Mixed, default: null },
    assignee: {
      type: new Schema(
        { id: { type: Schema.Types.ObjectId, required: true }, username: String, since: Date, handedOverBy: String, note: String },
        { _id: false },
      ),
      default: null,
    },
  },
  { timestamps: true },
);

conversationSchema.index({ status: -1, lastActivityAt: -1 });
// Twilio's webhooks name a conversation by its Twilio sid.
conversationSchema.index({ transportId: 1 });

export const Conversation: Model<ConversationRecord> =
  (mongoose.models.Conversation as Model<ConversationRecord> | undefined) ??
  mongoose.model<ConversationRecord>('Conversation', conversationSchema);

export function closedOpenKey(conversationId: string): string {
  return `closed:${conversationId}`;
}
