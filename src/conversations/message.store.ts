import mongoose from 'mongoose';
import type { ChatMessage, HistoryPage, MessageKind, Role } from '../contract/chat.js';
import { isDuplicateKeyError, ValidationError } from '../lib/errors.js';
import { Message } from './message.model.js';

interface StoredMessage {
  _id: mongoose.Types.ObjectId;
  conversationId: mongoose.Types.ObjectId;
  clientId: string;
  authorId: mongoose.Types.ObjectId;
  authorName: string;
  authorRole: string;
  body: string;
  language: string;
  kind?: string | null;
  transportSid?: string | null;
  deliveryFailedAt?: Date | null;
  createdAt: Date;
}

/** A message to store, already validated; `transportSid` when it came from the transport. */
export interface NewMessage {
  clientId: string;
  body: string;
  language: string;
  author: { id: string; username: string; role: Role };
  transportSid?: string;
  kind?: MessageKind;
}

/** A stored message and what the pipeline needs to know about its delivery. */
export interface StoredChatMessage {
  message: ChatMessage;
  created: boolean;
  transportSid: string | null;
  deliveryFailed: boolean;
}

/** The one mapping from a stored message to what pages receive. */
export function toChatMessage(stored: StoredMessage): ChatMessage {
  return {
    id: stored._id.toString(),
    conversationId: stored.conversationId.toString(),
    clientId: stored.clientId,
    authorId: stored.authorId.toString(),
    authorName: stored.authorName,
    authorRole: stored.authorRole === 'rep' ? 'rep' : 'customer',
    body: stored.body,
    language: stored.language,
    createdAt: stored.createdAt.toISOString(),
    ...(stored.kind === 'system' ? { kind: 'system' as const } : {}),
  };
}

const asStored = (stored: StoredMessage, created: boolean): StoredChatMessage => ({
  message: toChatMessage(stored),
  created,
  transportSid: stored.transportSid ?? null,
  deliveryFailed: Boolean(stored.deliveryFailedAt),
});

/**
 * Inserts first: a first send (the common case) costs one write, and the unique index on
 * (conversation, clientId) turns a resend into a duplicate-key error, answered with the stored one.
 */
async function storeOnce(conversationId: string, message: NewMessage): Promise<StoredChatMessage> {
  try {
    const stored = await Message.create({
      conversationId,
      clientId: message.clientId,
      authorId: message.author.id,
      authorName: message.author.username,
      authorRole: message.author.role,
      body: message.body,
      language: message.language,
      transportSid: message.transportSid ?? null,
      kind: message.kind ?? 'text',
    });
    return asStored(stored.toObject() as StoredMessage, true);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await Message.findOne({ conversationId, clientId: message.clientId }).lean<StoredMessage>();
    if (!winner) throw error;
    // A client id is the sender's own: someone else's message is never returned as "yours".
    if (winner.authorId.toString() !== message.author.id) throw new ValidationError('That message id is already used. Please send again.');
    return asStored(winner, false);
  }
}

async function page(conversationId: string, options: { before?: string; limit: number }): Promise<HistoryPage> {
  const filter: Record<string, unknown> = { conversationId };
  if (options.before && mongoose.isValidObjectId(options.before)) {
    filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(options.before) });
  }
  const newestFirst = await Message.find(filter).sort({ _id: -1 }).limit(options.limit + 1).lean<StoredMessage[]>();
  const hasMore = newestFirst.length > options.limit;
  return { messages: newestFirst.slice(0, options.limit).reverse().map(toChatMessage), hasMore };
}

/** Messages of a conversation in the database: every transport writes and reads them here. */
export const messageStore = {
  storeOnce,
  page,
  /** Every message, oldest first (transcripts). */
  all: async (conversationId: string): Promise<ChatMessage[]> =>
    (await Message.find({ conversationId }).sort({ _id: 1 }).lean<StoredMessage[]>()).map(toChatMessage),
  markDelivered: async (messageId: string, transportSid: string): Promise<void> => {
    await Message.updateOne({ _id: messageId }, { $set: { transportSid, deliveryFailedAt: null } });
  },
  markDeliveryFailed: async (messageId: string): Promise<void> => {
    await Message.updateOne({ _id: messageId }, { $set: { deliveryFailedAt: new Date() } });
  },
  /** Takes a failed delivery for one new attempt; only one concurrent resend wins it. */
  claimRedelivery: async (messageId: string): Promise<boolean> => {
    const claimed = await Message.findOneAndUpdate(
      { _id: messageId, transportSid: null, deliveryFailedAt: mongoose.trusted({ $ne: null }) },
      { $set: { deliveryFailedAt: null } },
    ).lean();
    return Boolean(claimed);
  },
  removeForConversation: async (conversationId: string): Promise<void> => {
    await Message.deleteMany({ conversationId });
  },
};

export type MessageStore = typeof messageStore;
