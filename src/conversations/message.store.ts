import mongoose from 'mongoose';
import type { ChatMessage, HistoryPage, MessageKind, Role } from '../contract/chat.js';
import { isDuplicateKeyError, ValidationError } from '../lib/errors.js';
import { Message } from './message.model.js';
import type { BatchOutcome } from '../lib/write-batcher.js';
import { RECENT_IDS_KEPT } from './message-record.js';

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

/** Who reads: notes are in a page only for reps. */
export interface Reading {
  notes: boolean;
}

// Messages stored before notes existed have no kind: they are messages.
const withoutNotes = () => ({ kind: mongoose.trusted({ $ne: 'note' }) });
const readable = (conversationId: string, reading: Reading): Record<string, unknown> =>
  reading.notes ? { conversationId } : { conversationId, ...withoutNotes() };

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
    ...(stored.kind === 'note' || stored.kind === 'system' ? { kind: stored.kind } : {}),
  };
}

const asStored = (stored: StoredMessage, created: boolean): StoredChatMessage => ({
  message: toChatMessage(stored),
  created,
  transportSid: stored.transportSid ?? null,
  deliveryFailed: Boolean(stored.deliveryFailedAt),
});

/** A message of a batch: its conversation and what to store. */
export interface BatchedMessage {
  conversationId: string;
  message: NewMessage;
}

/** The document `Message.create` would write, built without a mongoose document (the hot path). */
function newDocument({ conversationId, message }: BatchedMessage) {
  const ObjectId = mongoose.Types.ObjectId;
  return {
    _id: new ObjectId(),
    conversationId: new ObjectId(conversationId),
    clientId: message.clientId,
    authorId: new ObjectId(message.author.id),
    authorName: message.author.username,
    authorRole: message.author.role,
    body: message.body,
    language: message.language,
    transportSid: message.transportSid ?? null,
    deliveryFailedAt: null,
    kind: message.kind ?? 'message',
    createdAt: new Date(),
    __v: 0,
  };
}

/** The per-item errors of an unordered insert that failed in part, by position; undefined when it failed as a whole. */
function writeErrorsByIndex(error: unknown): Map<number, unknown> | undefined {
  if (!(error instanceof mongoose.mongo.MongoBulkWriteError)) return undefined;
  const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return new Map(list.map((writeError) => [writeError.index, Object.assign(new Error(writeError.errmsg ?? 'write failed'), { code: writeError.code })]));
}

/** A duplicate clientId: the stored message, if it is this sender's; someone else's is never returned as "yours". */
async function storedEarlier({ conversationId, message }: BatchedMessage, cause: unknown): Promise<StoredChatMessage> {
  const winner = await Message.findOne({ conversationId, clientId: message.clientId }).lean<StoredMessage>();
  if (!winner) throw cause;
  if (winner.authorId.toString() !== message.author.id) throw new ValidationError('That message id is already used. Please send again.');
  return asStored(winner, false);
}

/**
 * Stores several messages in one unordered insert (one round trip, one database command). The
 * unique (conversation, clientId) index decides duplicates, item by item: a first send costs one
 * write, a resend is answered with the stored message. One outcome per item, in order.
 */
async function storeMany(batch: readonly BatchedMessage[]): Promise<BatchOutcome<StoredChatMessage>[]> {
  const outcomes: (BatchOutcome<StoredChatMessage> | undefined)[] = [];
  const documents: { index: number; document: ReturnType<typeof newDocument> }[] = [];
  batch.forEach((item, index) => {
    try {
      documents.push({ index, document: newDocument(item) });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  });
  let failed = new Map<number, unknown>();
  if (documents.length > 0) {
    try {
      await Message.collection.insertMany(documents.map((entry) => entry.document), { ordered: false });
    } catch (error) {
      const partial = writeErrorsByIndex(error);
      if (!partial) throw error;
      failed = partial;
    }
  }
  await Promise.all(
    documents.map(async ({ index, document }, position) => {
      const error = failed.get(position);
      if (error === undefined) outcomes[index] = { ok: true, value: asStored(document, true) };
      else if (!isDuplicateKeyError(error)) outcomes[index] = { ok: false, error };
      else outcomes[index] = await storedEarlier(batch[index] as BatchedMessage, error).then((value) => ({ ok: true as const, value }), (cause: unknown) => ({ ok: false as const, error: cause }));
    }),
  );
  return outcomes.map((outcome) => outcome ?? { ok: false, error: new Error('not written') });
}

async function page(conversationId: string, options: { before?: string; limit: number } & Reading): Promise<HistoryPage> {
  const filter = readable(conversationId, options);
  if (options.before && mongoose.isValidObjectId(options.before)) {
    filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(options.before) });
  }
  const newestFirst = await Message.find(filter).sort({ _id: -1 }).limit(options.limit + 1).lean<StoredMessage[]>();
  const hasMore = newestFirst.length > options.limit;
  return { messages: newestFirst.slice(0, options.limit).reverse().map(toChatMessage), hasMore };
}

const newestFirst = (a: StoredMessage, b: StoredMessage) => b._id.toHexString().localeCompare(a._id.toHexString());

/** What a conversation lists of its newest messages (conversation.store recordMessages). */
export interface ListedIds {
  id: string;
  recentIds?: string[];
  recentIdsComplete?: boolean;
}

/**
 * The newest page read by the ids the conversation lists (one `_id $in` read, answered from the
 * _id index), or undefined when the list cannot tell it: not known complete, a listed message
 * missing, or a full list with too few messages for this reader (a customer, past many notes).
 */
async function newestListed(conversation: ListedIds, options: { limit: number } & Reading): Promise<HistoryPage | undefined> {
  const ids = (conversation.recentIds ?? []).filter((id) => mongoose.isValidObjectId(id));
  if (!conversation.recentIdsComplete) return undefined;
  if (ids.length === 0) return { messages: [], hasMore: false };
  const found = await Message.find({ _id: mongoose.trusted({ $in: ids.map((id) => new mongoose.Types.ObjectId(id)) }) }).lean<StoredMessage[]>();
  if (found.length !== new Set(ids).size) return undefined;
  const readable = found.filter((stored) => stored.conversationId.toString() === conversation.id && (options.notes || stored.kind !== 'note')).sort(newestFirst);
  const page = (messages: StoredMessage[], hasMore: boolean): HistoryPage => ({ messages: messages.reverse().map(toChatMessage), hasMore });
  if (readable.length > options.limit) return page(readable.slice(0, options.limit), true);
  // A list shorter than it may grow holds the whole conversation (it was complete from the start).
  return ids.length < RECENT_IDS_KEPT ? page(readable, false) : undefined;
}

/**
 * The `limit` messages just before `beforeId` (a translation's context), read by the ids the
 * conversation lists instead of a query (a scan on FerretDB 1.x); undefined when the list cannot
 * tell: not known complete and too short, or a listed message missing.
 */
async function listedBefore(conversation: ListedIds, beforeId: string, options: { limit: number } & Reading): Promise<ChatMessage[] | undefined> {
  const ids = conversation.recentIds ?? [];
  const at = ids.indexOf(beforeId);
  const earlier = (at >= 0 ? ids.slice(0, at) : ids.filter((id) => id < beforeId)).filter((id) => mongoose.isValidObjectId(id));
  // Notes among them may be skipped: read a few more than asked.
  const wanted = earlier.slice(-options.limit * 2);
  if (wanted.length < options.limit && !conversation.recentIdsComplete) return undefined;
  if (wanted.length === 0) return [];
  const found = await Message.find({ _id: mongoose.trusted({ $in: wanted.map((id) => new mongoose.Types.ObjectId(id)) }) }).lean<StoredMessage[]>();
  if (found.length !== new Set(wanted).size) return undefined;
  const readable = found.filter((stored) => options.notes || stored.kind !== 'note').sort(newestFirst);
  if (readable.length < options.limit && wanted.length < earlier.length) return undefined;
  return readable.slice(0, options.limit).reverse().map(toChatMessage);
}

/** Messages of a conversation in the database: every transport writes and reads them here. */
export const messageStore = {
  storeMany,
  page,
  newestListed,
  listedBefore,
  /** The ids of its `count` newest messages, notes too, oldest first (to fill an older conversation's list). */
  newestIds: async (conversationId: string, count: number): Promise<string[]> =>
    (await Message.find({ conversationId }, { _id: 1 }).sort({ _id: -1 }).limit(count).lean<{ _id: mongoose.Types.ObjectId }[]>()).map((stored) => stored._id.toString()).reverse(),
  /** Every message, oldest first (transcripts). */
  all: async (conversationId: string, reading: Reading): Promise<ChatMessage[]> =>
    (await Message.find(readable(conversationId, reading)).sort({ _id: 1 }).lean<StoredMessage[]>()).map(toChatMessage),
  /** Search hits, by _id one by one (the lookup FerretDB 1.x answers from an index), in the order asked. */
  byIds: async (ids: readonly string[]): Promise<ChatMessage[]> => {
    const found = await Promise.all(ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => Message.findById(id).lean<StoredMessage>()));
    return found.flatMap((stored) => (stored ? [toChatMessage(stored)] : []));
  },
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
