// When a reader's mark ("I have read everything through message M") changes anything. Pages send
// the newest message they show; a mark that does not reach the conversation's newest message
// clears nothing (the reader has not seen it yet; their next mark will), and one with nothing
// unread to clear writes nothing.
import type { User } from '../contract/chat.js';
import type { ConversationView } from './conversation.view.js';
import { unreadAfterRead } from './unread.js';

/** Message ids are ObjectIds in lower-case hex: as strings, they sort as the messages do. */
export const isNewerMessageId = (candidate: string, than: string): boolean => candidate > than;

/** The newer of two marks; none (`undefined`) means "everything", newer than any message. */
export function newerMark(first: string | undefined, second: string | undefined): string | undefined {
  if (first === undefined || second === undefined) return undefined;
  return isNewerMessageId(second, first) ? second : first;
}

/**
 * Whether this view may be older than what the reader saw: their mark names a message newer than
 * the newest this process recorded (another instance's message, or a note, which is not counted).
 */
export function markIsAheadOf(view: Pick<ConversationView, 'lastMessageId'>, through: string | undefined): boolean {
  if (through === undefined) return false;
  const last = view.lastMessageId ?? null;
  return last === null || isNewerMessageId(through, last);
}

/**
 * The unread counters a mark through `through` clears (the whole conversation when undefined);
 * undefined when it changes nothing: the reader has not caught up with the newest message, or
 * has nothing unread.
 */
export function readMarkReset(view: ConversationView, reader: Pick<User, 'id' | 'role'>, through?: string): Record<string, number> | undefined {
  const last = view.lastMessageId ?? null;
  if (through !== undefined && last !== null && isNewerMessageId(last, through)) return undefined;
  return unreadAfterRead(view, reader);
}
