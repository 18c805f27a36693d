// The one writer of the conversations collection: every read and write of a conversation
// document goes through here, so what a conversation holds has one owner.
import mongoose from 'mongoose';
import type { Channel, ChatMessage, ConversationFormality, QueueCounts, QueueView, User } from '../contract/chat.js';
import { baseLanguage } from '../contract/languages.js';
import { conversationCache } from './conversation-cache.js';
import { dashboardQueue } from './dashboard-queue.js';
import { closedOpenKey, Conversation } from './conversation.model.js';
import { afterMessage, afterNote, mergeUpdates, RECENT_IDS_KEPT, type ConversationUpdate } from './message-record.js';
import { toConversationView, type CallView, type ConversationView, type RepRef } from './conversation.view.js';
import { markIsAheadOf, readMarkReset } from './read-marks.js';
import { unreadOnJoin } from './unread.js';
import type { BatchOutcome } from '../lib/write-batcher.js';
import { updateById } from '../lib/update-by-id.js';

// Every conversation read or written here refreshes the process's cache (conversation-cache.ts).
const view = (stored: Parameters<typeof toConversationView>[0] | null) => (stored ? conversationCache.remember(toConversationView(stored)) : undefined);
const after = { returnDocument: 'after' } as const;
/** A write that can change the dashboard's order, owner or open state also refreshes its queue (dashboard-queue.ts). */
function queued(written: ConversationView | undefined): ConversationView | undefined {
  dashboardQueue.written(written);
  return written;
}

/** The dashboard queues as filters: "mine" and "unassigned" are open conversations; "all" is every one. */
function queueFilter(view: QueueView | undefined, repId: string | undefined): Record<string, unknown> {
  if (view === 'mine') return { status: 'open', 'assignee.id': repId };
  if (view === 'unassigned') return { status: 'open', assignee: null };
  return {};
}

/** Who owns a conversation from now on, as stored. */
export interface NewAssignee {
  rep: RepRef;
  handedOverBy: string | null;
  note: string | null;
}

export const conversationStore = {
  async findById(id: string): Promise<ConversationView | undefined> {
    if (!mongoose.isValidObjectId(id)) return undefined;
    return view(await Conversation.findById(id).lean());
  },
  /** As findById, from what this process wrote or read a moment ago when it can (the send path). */
  async findRecent(id: string): Promise<ConversationView | undefined> {
    return conversationCache.get(id) ?? conversationStore.findById(id);
  },
  async findOpenFor(customerId: string): Promise<ConversationView | undefined> {
    // A filter on openKey is a scan on FerretDB: the one this process saw open a moment ago will do.
    const recent = conversationCache.openFor(customerId);
    if (recent) return recent;
    return view(await Conversation.findOne({ openKey: customerId }).lean());
  },
  async findByTransportId(transportId: string): Promise<ConversationView | undefined> {
    return view(await Conversation.findOne({ transportId }).lean());
  },
  /**
   * A customer's new open conversation; a second open one violates the unique openKey.
   * `transportIsOwnId`: the transport names it by its own id (the built-in one), stored at once.
   */
  async create(customer: User, channel: Channel = 'web', options: { transportIsOwnId?: boolean } = {}): Promise<ConversationView> {
    const _id = new mongoose.Types.ObjectId();
    const stored = await Conversation.create({
      _id,
      ...(options.transportIsOwnId ? { transportId: _id.toString() } : {}),
      channel,
      customer: { id: customer.id, username: customer.username, language: customer.language },
      openKey: customer.id,
      unread: {},
      // Every message from now on is listed (recordMessages): the list is complete from the start.
      recentIds: [],
      recentIdsComplete: true,
    });
    const created = conversationCache.remember(toConversationView(stored.toObject()));
    dashboardQueue.written(created);
    return created;
  },
  /** The customer's language changed (detected from an SMS, or set by a rep): their open and past conversations. */
  async setCustomerLanguage(customerId: string, language: string): Promise<void> {
    await Conversation.updateMany({ 'customer.id': customerId }, { $set: { 'customer.language': language } });
    conversationCache.forgetCustomer(customerId);
  },
  async setTransportId(id: string, transportId: string): Promise<void> {
    await Conversation.updateOne({ _id: id }, { $set: { transportId } });
    conversationCache.forget(id);
  },
  /** By _id alone (FerretDB 1.x answers that from an index); $addToSet keeps concurrent joins single. */
  async addRep(current: ConversationView, rep: RepRef): Promise<ConversationView | undefined> {
    const stored = await Conversation.findOneAndUpdate(
      { _id: current.id },
      { $addToSet: { reps: { id: rep.id, username: rep.username, language: rep.language } }, $set: unreadOnJoin(current, rep.id) },
      after,
    ).lean();
    return view(stored);
  },
  /** Open → closed once; undefined when it was already closed. */
  async close(id: string): Promise<ConversationView | undefined> {
    const stored = await Conversation.findOneAndUpdate(
      { _id: id, status: 'open' },
      { $set: { status: 'closed', openKey: closedOpenKey(id), closedAt: new Date() } },
      after,
    ).lean();
    return queued(view(stored));
  },
  /**
   * Last activity, preview, count, unread and newest ids after newly stored messages (group commit; a note only
   * adds its id): one update per conversation, the merge of its messages in order, all in one bulk write. Each conversation is counted from the
   * newest view this process has of it. One outcome per item, in order: a conversation whose
   * update failed fails its messages' outcomes.
   */
  async recordMessages(batch: readonly RecordedMessage[]): Promise<BatchOutcome<ConversationView>[]> {
    const perConversation = new Map<string, { update?: ConversationUpdate; view: ConversationView; items: number[] }>();
    const views: ConversationView[] = [];
    batch.forEach(({ current, message, author }, index) => {
      const entry = perConversation.get(current.id) ?? { view: conversationCache.get(current.id) ?? current, items: [] };
      const next = message.kind === 'note' ? afterNote(entry.view, message) : afterMessage(entry.view, message, author);
      perConversation.set(current.id, { update: entry.update ? mergeUpdates(entry.update, next.update) : next.update, view: next.view, items: [...entry.items, index] });
      views[index] = next.view;
    });
    const groups = [...perConversation.entries()];
    const failed = await bulkUpdate(groups.map(([id, entry]) => ({ id, update: entry.update as ConversationUpdate })));
    const outcomes: BatchOutcome<ConversationView>[] = [];
    const stored: ConversationView[] = [];
    groups.forEach(([, entry], position) => {
      const error = failed.get(position);
      if (error === undefined) stored.push(conversationCache.remember(entry.view));
      else conversationCache.forget(entry.view.id);
      for (const index of entry.items) outcomes[index] = error === undefined ? { ok: true, value: views[index] as ConversationView } : { ok: false, error };
    });
    await Promise.all(groups.flatMap(([id], position) => (failed.has(position) ? [distrustRecentIds(id)] : [])));
    dashboardQueue.writtenMany(stored);
    return outcomes;
  },
  /**
   * Clears the reader's unread state when their mark (the newest message they read; undefined:
   * everything) covers the newest message; undefined when that writes nothing (read-marks.ts).
   * With a mark, the write holds only while the newest message is still the one judged here: one
   * stored meanwhile (by any instance) leaves the counters as they are.
   */
  async markRead(current: ConversationView, reader: Pick<User, 'id' | 'role'>, through?: string): Promise<ConversationView | undefined> {
    const known = markIsAheadOf(current, through) ? ((await conversationStore.findById(current.id)) ?? current) : current;
    const reset = readMarkReset(known, reader, through);
    if (!reset) return undefined;
    const filter = through === undefined ? { _id: known.id } : { _id: known.id, lastMessageId: known.lastMessageId ?? null };
    const stored = await Conversation.findOneAndUpdate(filter, { $set: reset }, after).lean();
    if (!stored) conversationCache.forget(known.id);
    return view(stored);
  },
  /**
   * Opening an older conversation (no complete list yet): `newest` are its newest message ids,
   * read after `seen`. Stored only if no message was listed since `seen` was read (the list is
   * then unchanged), so a message recorded meanwhile, by any instance, is never dropped.
   */
  async fillRecentIds(seen: ConversationView, newest: readonly string[]): Promise<void> {
    const unchanged = (seen.recentIds ?? []).length === 0 ? { $exists: false } : seen.recentIds;
    await Conversation.updateOne({ _id: seen.id, recentIds: mongoose.trusted(unchanged) }, { $set: { recentIds: newest.slice(-RECENT_IDS_KEPT), recentIdsComplete: true } });
    conversationCache.forget(seen.id);
  },
  async listForCustomer(customerId: string, limit: number): Promise<ConversationView[]> {
    const stored = await Conversation.find({ 'customer.id': customerId }).sort({ lastActivityAt: -1 }).limit(limit).lean();
    return stored.map(toConversationView);
  },
  /** Open first, newest activity first; one more row than asked tells whether there are more. */
  async page(options: { status?: 'open' | 'closed'; view?: QueueView; repId?: string; skip: number; limit: number }): Promise<ConversationView[]> {
    const filter = { ...queueFilter(options.view, options.repId), ...(options.status ? { status: options.status } : {}) };
    const stored = await Conversation.find(filter).sort({ status: -1, lastActivityAt: -1 }).skip(options.skip).limit(options.limit).lean();
    return stored.map(toConversationView);
  },
  /** Open conversations per dashboard queue for one rep. */
  async queueCounts(repId: string): Promise<QueueCounts> {
    const [mine, unassigned, all] = await Promise.all([
      Conversation.countDocuments(queueFilter('mine', repId)),
      Conversation.countDocuments(queueFilter('unassigned', repId)),
      Conversation.countDocuments({ status: 'open' }),
    ]);
    return { mine, unassigned, all };
  },
  /**
   * Makes `next.rep` the owner, and a participant, of an open conversation, only while it is still
   * owned by `expectedOwner` (null: unassigned), so two reps joining at once cannot both take it.
   * Undefined when someone else changed the owner first, or it is closed.
   */
  async assign(current: ConversationView, next: NewAssignee, expectedOwner: string | null): Promise<ConversationView | undefined> {
    const { rep } = next;
    const owner = expectedOwner === null ? { assignee: null } : { 'assignee.id': expectedOwner };
    const member = current.reps.some((joined) => joined.id === rep.id);
    const stored = await Conversation.findOneAndUpdate(
      { _id: current.id, status: 'open', ...owner },
      {
        $set: {
          assignee: { id: rep.id, username: rep.username, since: new Date(), handedOverBy: next.handedOverBy, note: next.note },
          ...(member ? {} : unreadOnJoin(current, rep.id)),
        },
        $addToSet: { reps: { id: rep.id, username: rep.username, language: rep.language } },
      },
      after,
    ).lean();
    return queued(view(stored));
  },
  /** Back to the unassigned queue (admin). */
  async unassign(id: string): Promise<ConversationView | undefined> {
    return queued(view(await Conversation.findOneAndUpdate({ _id: id }, { $set: { assignee: null } }, after).lean()));
  },
  async setFormality(id: string, formality: ConversationFormality): Promise<ConversationView | undefined> {
    return view(await Conversation.findOneAndUpdate({ _id: id }, { $set: { formality } }, after).lean());
  },
  /**
   * The language DeepL read in a customer's message (base code). The declared one resets the
   * streak; the same other language twice in a row becomes the suggestion. Answers the updated
   * conversation only when the suggestion changed. Conditional updates keep concurrent calls counting right.
   */
  async recordDetectedLanguage(id: string, detected: string): Promise<ConversationView | undefined> {
    const current = await Conversation.findById(id).lean();
    if (!current) return undefined;
    const language = baseLanguage(detected);
    if (language === baseLanguage(current.customer.language)) {
      if (current.detectedLanguage !== null) await Conversation.updateOne({ _id: id }, { $set: { detectedLanguage: null, detectedStreak: 0 } });
      conversationCache.forget(id);
      return undefined;
    }
    const counted =
      (await Conversation.findOneAndUpdate({ _id: id, detectedLanguage: language }, { $inc: { detectedStreak: 1 } }, after).lean()) ??
      (await Conversation.findOneAndUpdate({ _id: id }, { $set: { detectedLanguage: language, detectedStreak: 1 } }, after).lean());
    if (counted) view(counted); // the streak is what the next detection is judged against
    if (!counted || counted.detectedStreak < 2 || counted.languageSuggestion === language) return undefined;
    return view(await Conversation.findOneAndUpdate({ _id: id }, { $set: { languageSuggestion: language } }, after).lean());
  },
  /** The customer answered the suggestion: a new language (accepted) or none (kept theirs). */
  async settleLanguage(id: string, language?: string): Promise<ConversationView | undefined> {
    const change = language ? { 'customer.language': language } : {};
    const reset = { languageSuggestion: null, detectedLanguage: null, detectedStreak: 0, ...change };
    return view(await Conversation.findOneAndUpdate({ _id: id }, { $set: reset }, after).lean());
  },
  /**
   * Someone changed their account language: their open conversations translate into the new one
   * from now on (a customer's pending language question is answered by it). Answers what changed.
   */
  async setParticipantLanguage(user: Pick<User, 'id' | 'role'>, language: string): Promise<ConversationView[]> {
    const open =
      user.role === 'customer'
        ? await Conversation.find({ 'customer.id': user.id, status: 'open' }).lean()
        : await Conversation.find({ 'reps.id': user.id, status: 'open' }).lean();
    const changed = await Promise.all(
      open.map((stored) => {
        const $set =
          user.role === 'customer'
            ? { 'customer.language': language, languageSuggestion: null, detectedLanguage: null, detectedStreak: 0 }
            : { reps: stored.reps.map((rep) => (rep.id.toString() === user.id ? { ...rep, language } : rep)) };
        return Conversation.findOneAndUpdate({ _id: stored._id }, { $set }, after).lean();
      }),
    );
    // Through the recent views (the server keeps them long: conversation-notices.ts) and the dashboard's rows.
    return changed.flatMap((stored) => (stored ? [conversationCache.remember(toConversationView(stored))] : []));
  },
  /** A phone conversation's call started (or was answered again): it replaces the previous call. */
  async startCall(id: string, call: CallView): Promise<ConversationView | undefined> {
    return view(await Conversation.findOneAndUpdate({ _id: id }, { $set: { call } }, after).lean());
  },
  /** Only the call with this sid, once: a late or repeated status callback changes nothing. */
  async endCall(id: string, sid: string, ended: Pick<CallView, 'endedAt' | 'durationSeconds' | 'outcome'>): Promise<ConversationView | undefined> {
    const $set = { 'call.state': 'ended', 'call.endedAt': ended.endedAt, 'call.durationSeconds': ended.durationSeconds, 'call.outcome': ended.outcome };
    return view(await Conversation.findOneAndUpdate({ _id: id, 'call.sid': sid, 'call.state': 'live' }, { $set }, after).lean());
  },
  async markLowConfidence(id: string, sid: string, item: CallView['lowConfidence'][number]): Promise<ConversationView | undefined> {
    return view(await Conversation.findOneAndUpdate({ _id: id, 'call.sid': sid }, { $push: { 'call.lowConfidence': item } }, after).lean());
  },
  /** Search: the conversations of a page of message hits, by _id one by one (indexed on FerretDB 1.x too). */
  async findByIds(ids: readonly string[]): Promise<ConversationView[]> {
    const found = await Promise.all(ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => Conversation.findById(id).lean()));
    return found.flatMap((stored) => (stored ? [toConversationView(stored)] : []));
  },
  async remove(id: string): Promise<void> {
    await Conversation.deleteOne({ _id: id });
    conversationCache.forget(id);
    dashboardQueue.removed(id);
  },
};

/** Updates conversations by _id in one unordered bulk write; the errors by position (all of them when it failed as a whole). */
async function bulkUpdate(updates: readonly { id: string; update: ConversationUpdate }[]): Promise<Map<number, unknown>> {
  try {
    await Conversation.collection.bulkWrite(
      updates.map(({ id, update }) => {
        const $push: mongoose.mongo.PushOperator<{ recentIds: string[] }> = update.$push;
        // A note adds nothing: no empty $inc.
        const $inc = Object.keys(update.$inc).length > 0 ? { $inc: update.$inc } : {};
        return updateById({ _id: new mongoose.Types.ObjectId(id) }, { ...$inc, $set: { ...update.$set, updatedAt: new Date() }, $push });
      }),
      { ordered: false },
    );
    return new Map();
  } catch (error) {
    if (!(error instanceof mongoose.mongo.MongoBulkWriteError) || !error.writeErrors) return new Map(updates.map((_, index) => [index, error]));
    const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return new Map(list.map((writeError) => [writeError.index, error]));
  }
}

/**
 * A conversation whose update failed after its messages were stored may miss their ids: it is
 * read the old way until its list is filled again. Best effort (the database may be down).
 */
async function distrustRecentIds(id: string): Promise<void> {
  await Conversation.updateOne({ _id: id }, { $unset: { recentIdsComplete: '' } }).catch(() => undefined);
}

/** A newly stored message (or note) and its conversation as the sender saw it. */
export interface RecordedMessage {
  current: ConversationView;
  message: ChatMessage;
  author: Pick<User, 'id' | 'role'>;
}

export type ConversationStore = typeof conversationStore;
