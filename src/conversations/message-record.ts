// What a newly stored message changes on its conversation (count, last activity, preview, unread,
// the ids of its newest messages), as one update document and as the conversation after it.
// Several messages of one conversation written together merge into one update that has the
// effect of applying them one after another.
import { HISTORY_PAGE_SIZE, type ChatMessage, type User } from '../contract/chat.js';
import { previewOf, type ConversationView } from './conversation.view.js';
import { unreadAfterMessage } from './unread.js';

/**
 * How many of its newest message ids (notes too) a conversation keeps, so opening it reads them
 * by _id instead of querying the messages: a history page, one more to tell there are older
 * ones, and a few for notes a customer does not see and for two instances' messages recorded
 * slightly out of order.
 */
export const RECENT_IDS_KEPT = HISTORY_PAGE_SIZE + 10;

export interface ConversationUpdate {
  $inc: Record<string, number>;
  $set: Record<string, unknown>;
  /**
   * Sorted before `$slice`, so the list keeps the newest ids (ObjectIds as hex sort by time) even
   * when two writers' pushes reach the conversation in another order than their ids were made.
   */
  $push: { recentIds: { $each: string[]; $sort: 1; $slice: number } };
}

const pushRecent = (ids: string[]) => ({ recentIds: { $each: ids, $sort: 1 as const, $slice: -RECENT_IDS_KEPT } });
const recentAfter = (view: ConversationView, id: string) => [...(view.recentIds ?? []), id].sort().slice(-RECENT_IDS_KEPT);

/** A note: only listed among the newest ids; the conversation as the customer sees it stays as it is. */
export function afterNote(view: ConversationView, note: ChatMessage) {
  const update: ConversationUpdate = { $inc: {}, $set: {}, $push: pushRecent([note.id]) };
  return { update, view: { ...view, recentIds: recentAfter(view, note.id) } };
}

const unreadPrefix = 'unread.';

/** The update one message makes, and the conversation as it is after it. */
export function afterMessage(view: ConversationView, message: ChatMessage, author: Pick<User, 'id' | 'role'>) {
  const unread = unreadAfterMessage(view, author);
  const update: ConversationUpdate = {
    $inc: { messageCount: 1, ...unread.$inc },
    $set: {
      lastActivityAt: new Date(message.createdAt),
      lastMessagePreview: previewOf(message.body),
      lastMessageLanguage: message.language,
      lastMessageId: message.id,
      ...unread.$set,
    },
    $push: pushRecent([message.id]),
  };
  const counts = { ...view.unread };
  for (const [key, value] of Object.entries(unread.$set)) counts[key.slice(unreadPrefix.length)] = value;
  for (const [key, value] of Object.entries(unread.$inc)) counts[key.slice(unreadPrefix.length)] = (counts[key.slice(unreadPrefix.length)] ?? 0) + value;
  const next: ConversationView = {
    ...view,
    messageCount: view.messageCount + 1,
    lastActivityAt: new Date(message.createdAt),
    lastMessagePreview: previewOf(message.body),
    lastMessageLanguage: message.language,
    lastMessageId: message.id,
    unread: counts,
    recentIds: recentAfter(view, message.id),
  };
  return { update, view: next };
}

/**
 * `first` then `second` as one update: a field set by `second` takes its value (and drops what
 * `first` added to it); a field `second` adds to is added to `first`'s value, set or added; ids
 * pushed by `second` follow those pushed by `first`.
 * MongoDB refuses $set and $inc on the same field, so the result never has both.
 */
export function mergeUpdates(first: ConversationUpdate, second: ConversationUpdate): ConversationUpdate {
  const merged: ConversationUpdate = { $inc: { ...first.$inc }, $set: { ...first.$set }, $push: pushRecent([...first.$push.recentIds.$each, ...second.$push.recentIds.$each]) };
  for (const [key, value] of Object.entries(second.$set)) {
    merged.$set[key] = value;
    delete merged.$inc[key];
  }
  for (const [key, value] of Object.entries(second.$inc)) {
    const setTo = merged.$set[key];
    if (typeof setTo === 'number') merged.$set[key] = setTo + value;
    else merged.$inc[key] = (merged.$inc[key] ?? 0) + value;
  }
  return merged;
}
