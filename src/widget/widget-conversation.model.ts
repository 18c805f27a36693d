import mongoose, { Schema, type Model } from 'mongoose';

/** Where a widget conversation started (`_id` = the conversation's id): reps see it on the chat page. */
export interface WidgetConversationRecord {
  _id: string;
  siteKey: string;
  origin: string;
  /** The host page the visitor was on when the conversation started. */
  pageUrl: string;
  createdAt: Date;
}

const schema = new Schema<WidgetConversationRecord>(
  {
    _id: { type: String, required: true },
    siteKey: { type: String, required: true },
    origin: { type: String, required: true },
    pageUrl: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

export const WidgetConversation: Model<WidgetConversationRecord> =
  (mongoose.models.WidgetConversation as Model<WidgetConversationRecord> | undefined) ??
  mongoose.model<WidgetConversationRecord>('WidgetConversation', schema, 'widget_conversations');
