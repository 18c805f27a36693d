import mongoose from 'mongoose';
import { isDuplicateKeyError, ValidationError } from '../lib/errors.js';
import type { ChatMessage, Role } from '../realtime/protocol.js';
import type { MessageTransport, NewMessage } from './conversation.types.js';
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
  createdAt: Date;
}

export function toChatMessage(stored: StoredMessage): ChatMessage {
  return {
    id: stored._id.toString(),
    conversationId: stored.conversationId.toString(),
    clientId: stored.clientId,
    authorId: stored.authorId.toString(),
    authorName: stored.authorName,
    authorRole: stored.authorRole as Role,
    body: stored.body,
    language: stored.language,
    createdAt: stored.createdAt.toISOString(),
  };
}

/** Messages stored in MongoDB; delivery is the realtime layer's job (Socket.IO). */
export function createBuiltinTransport(): MessageTransport {
  return {
    kind: 'builtin',
    createConversation: async (conversationId) => conversationId,
    addParticipant: async () => {},
    closeConversation: async () => {},
    deleteConversation: async (conversation) => {
      await Message.deleteMany({ conversationId: conversation.id });
    },
    sendMessage: (conversation, message) => storeOnce(conversation.id, message),
    listMessages: async (conversation, page) => {
      const filter: Record<string, unknown> = { conversationId: conversation.id };
      if (page.before && mongoose.isValidObjectId(page.before)) filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(page.before) });
      const newestFirst = await Message.find(filter).sort({ _id: -1 }).limit(page.limit + 1).lean<StoredMessage[]>();
      const hasMore = newestFirst.length > page.limit;
      return { messages: newestFirst.slice(0, page.limit).reverse().map(toChatMessage), hasMore };
    },
    allMessages: async (conversation) =>
      (await Message.find({ conversationId: conversation.id }).sort({ _id: 1 }).lean<StoredMessage[]>()).map(toChatMessage),
  };
}

/**
 * Inserts first: a first send (the common case) costs one write, and the unique index on
 * (conversation, clientId) turns a resend into a duplicate-key error, answered with the stored one.
 */
async function storeOnce(conversationId: string, message: NewMessage): Promise<{ message: ChatMessage; created: boolean }> {
  try {
    const stored = await Message.create({
      conversationId,
      clientId: message.clientId,
      authorId: message.author.id,
      authorName: message.author.username,
      authorRole: message.author.role,
      body: message.body,
      language: message.language,
    });
    return { message: toChatMessage(stored.toObject() as StoredMessage), created: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await findByClientId(conversationId, message.clientId);
    if (!winner) throw error;
    return { message: sameAuthor(winner, message), created: false };
  }
}

/** A client id is the sender's own: someone else's message is never returned as "yours". */
function sameAuthor(stored: ChatMessage, message: NewMessage): ChatMessage {
  if (stored.authorId !== message.author.id) throw new ValidationError('That message id is already used. Please send again.');
  return stored;
}

async function findByClientId(conversationId: string, clientId: string): Promise<ChatMessage | undefined> {
  const found = await Message.findOne({ conversationId, clientId }).lean<StoredMessage>();
  return found ? toChatMessage(found) : undefined;
}
