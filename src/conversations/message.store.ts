import mongoose from 'mongoose';
import type { ChatMessage, HistoryPage, MessageKind, Role } from '../contract/chat.js';
import { isDuplicateKeyError, ValidationError } from '../lib/errors.js';
import { Message } from './message.model.js';
import { addToPages, findNear, pageFor, readDown, rebuildPages, removePages } from './message-pages.js';
import type { PagedMessage } from './message-page.model.js';
import type { BatchOutcome } from '../lib/write-batcher.js';
import { updateById } from '../lib/update-by-id.js';

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
  page?: number | null;
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

/** A message of a batch: its conversation, what to store, and how many messages the writer counted before it (its page). */
export interface BatchedMessage {
  conversationId: string;
  message: NewMessage;
  countedBefore: number;
}

/** The document `Message.create` would write, built without a mongoose document (the hot path). */
function newDocument({ conversationId, message, countedBefore }: BatchedMessage) {
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
    page: pageFor(countedBefore),
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
async function storedEarlier({ conversationId, message, countedBefore }: BatchedMessage, cause: unknown): Promise<StoredChatMessage> {
  const winner = await findEarlier(conversationId, message.clientId, pageFor(countedBefore));
  if (!winner) throw cause;
  // A page write that failed after the insert is repaired by the resend it made the sender try.
  if (typeof winner.page === 'number') await addToPages([{ page: winner.page, message: winner as PagedMessage }]);
  if (winner.authorId.toString() !== message.author.id) throw new ValidationError('That message id is already used. Please send again.');
  return asStored(winner, false);
}

/**
 * The stored message with this clientId: a resend is of a recent message, found in the pages near
 * the one it would go in and then read by `_id`; an older one costs the (conversation, clientId) query.
 */
async function findEarlier(conversationId: string, clientId: string, page: number): Promise<StoredMessage | null> {
  const near = await findNear(conversationId, page, (paged) => paged.clientId === clientId);
  const byId = near ? await Message.findById(near._id).lean<StoredMessage>() : null;
  return byId ?? Message.findOne({ conversationId, clientId }).lean<StoredMessage>();
}

/**
 * Stores several messages in one unordered insert (one round trip, one database command). The
 * unique (conversation, clientId) index decides duplicates, item by item: a first send costs one
 * write, a resend is answered with the stored message. The new ones then go in their history
 * pages (one bulk write); a failed page write fails them, and their resend repairs it. One
 * outcome per item, in order.
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
  const inserted = documents.filter((_, position) => !failed.has(position));
  const pagesFailed = await addToPages(inserted.map(({ document }) => ({ page: document.page, message: document }))).then(() => undefined, (error: unknown) => error);
  await Promise.all(
    documents.map(async ({ index, document }, position) => {
      const error = failed.get(position);
      if (error === undefined) outcomes[index] = pagesFailed === undefined ? { ok: true, value: asStored(document, true) } : { ok: false, error: pagesFailed };
      else if (!isDuplicateKeyError(error)) outcomes[index] = { ok: false, error };
      else outcomes[index] = await storedEarlier(batch[index] as BatchedMessage, error).then((value) => ({ ok: true as const, value }), (cause: unknown) => ({ ok: false as const, error: cause }));
    }),
  );
  return outcomes.map((outcome) => outcome ?? { ok: false, error: new Error('not written') });
}

/** Where a history page starts: below `before` (the page it is in), or the newest (the page the next message would go in). */
interface PageStart {
  before?: string;
  /** The conversation's message count, as just read: where its newest page is. */
  messageCount: number;
}

/** A page of history, newest `limit` messages before the cursor, read from the history pages by `_id`. */
async function page(conversationId: string, options: PageStart & { limit: number } & Reading): Promise<HistoryPage> {
  const cursor = options.before && mongoose.isValidObjectId(options.before) ? await Message.findById(options.before).lean<StoredMessage>() : undefined;
  if (cursor && cursor.conversationId.toString() !== conversationId) return { messages: [], hasMore: false };
  if (cursor && typeof cursor.page !== 'number') return queriedPage(conversationId, options);
  const top = typeof cursor?.page === 'number' ? cursor.page : pageFor(options.messageCount);
  const beforeId = cursor?._id.toHexString();
  const keep = (message: PagedMessage) => (options.notes || message.kind !== 'note') && (beforeId === undefined || message._id.toHexString() < beforeId);
  const newestFirst = await readDown(conversationId, top, options.limit + 1, keep);
  const hasMore = newestFirst.length > options.limit;
  // The whole history, yet fewer messages than counted: pages not built yet (before `conversations:reindex`), or one lost.
  const counted = newestFirst.filter((message) => message.kind !== 'note').length;
  if (!cursor && !hasMore && counted < options.messageCount) return queriedPage(conversationId, options);
  return { messages: newestFirst.slice(0, options.limit).reverse().map(toChatMessage), hasMore };
}

/** The same page by query on the messages collection (a scan on FerretDB): only where pages are missing. */
async function queriedPage(conversationId: string, options: { before?: string; limit: number } & Reading): Promise<HistoryPage> {
  const filter = readable(conversationId, options);
  if (options.before && mongoose.isValidObjectId(options.before)) filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(options.before) });
  const newestFirst = await Message.find(filter).sort({ _id: -1 }).limit(options.limit + 1).lean<StoredMessage[]>();
  return { messages: newestFirst.slice(0, options.limit).reverse().map(toChatMessage), hasMore: newestFirst.length > options.limit };
}

/** Writes one conversation's history pages again from its messages (oldest first), and each message's page. */
async function rewritePages(conversationId: string, oldestFirst: readonly StoredMessage[]): Promise<void> {
  const pages = await rebuildPages(conversationId, oldestFirst.map((stored) => ({ ...stored, kind: stored.kind ?? 'message' })));
  const updates = pages.flatMap(({ page: number, ids }) => ids.map((_id) => updateById({ _id }, { $set: { page: number } })));
  // In chunks: the embedded database answered one update command of hundreds of statements only after minutes.
  for (let start = 0; start < updates.length; start += 20) await Message.collection.bulkWrite(updates.slice(start, start + 20), { ordered: false });
}

/**
 * Every conversation's history pages written again from the messages, in one pass over them: the
 * `conversations:reindex` admin command, for a database from before pages or after an import.
 * Run it while no one writes (a message written meanwhile may be left out of its page).
 */
async function rebuildHistory(): Promise<number> {
  let current: { id: string; messages: StoredMessage[] } | undefined;
  let count = 0;
  for await (const stored of Message.find({}).sort({ conversationId: 1, _id: 1 }).lean<StoredMessage[]>().cursor()) {
    const id = (stored as StoredMessage).conversationId.toString();
    if (current && current.id !== id) await rewritePages(current.id, current.messages);
    if (!current || current.id !== id) current = { id, messages: [] };
    current.messages.push(stored as StoredMessage);
    count += 1;
  }
  if (current) await rewritePages(current.id, current.messages);
  return count;
}

/** Messages of a conversation in the database: every transport writes and reads them here. */
export const messageStore = {
  storeMany,
  page,
  rebuildHistory,
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
    await removePages(conversationId);
  },
};

export type MessageStore = typeof messageStore;
