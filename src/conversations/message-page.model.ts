import mongoose, { Schema, type Model } from 'mongoose';

/** What a history page shows of a message (never its delivery state, which changes). */
export interface PagedMessage {
  _id: mongoose.Types.ObjectId;
  conversationId: mongoose.Types.ObjectId;
  clientId: string;
  authorId: mongoose.Types.ObjectId;
  authorName: string;
  authorRole: string;
  body: string;
  language: string;
  kind: string;
  createdAt: Date;
}

export interface MessagePageRecord {
  _id: string;
  messages: PagedMessage[];
}

/**
 * A conversation's history in pages (the bucket pattern), each a document keyed by
 * `<conversation id>:<page number>`: opening a conversation or scrolling up reads a few documents
 * by `_id`, the one lookup FerretDB 1.x answers from an index, however long the conversation grew.
 * A message goes in page `floor(messages counted before it / PAGE_SPAN)`; message.store.ts is the
 * only writer. The messages collection stays the system of record (transcripts, search, delivery).
 */
const messagePageSchema = new Schema<MessagePageRecord>(
  { _id: { type: String, required: true }, messages: { type: Schema.Types.Mixed, default: () => [] } },
  { versionKey: false },
);

export const MessagePage: Model<MessagePageRecord> =
  (mongoose.models.MessagePage as Model<MessagePageRecord> | undefined) ?? mongoose.model<MessagePageRecord>('MessagePage', messagePageSchema, 'message_pages');

/** Messages counted per page: a history page (50) spans at most two or three of them. */
export const PAGE_SPAN = 50;

export const pageKey = (conversationId: string, page: number): string => `${conversationId}:${page}`;
