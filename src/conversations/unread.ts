// Who has unread messages in a conversation: the one module that knows the rules. Each
// participant (user id) has a counter, and `team` counts the customer's messages for reps who
// have not joined yet (the queue). The conversation store applies the updates these return.
import type { User } from '../contract/chat.js';

/** What these rules read of a conversation (a ConversationView has it). */
interface ConversationView {
  customer: { id: string };
  reps: { id: string }[];
  unread: Record<string, number>;
}

/** Unread counter shared by reps who have not joined (customer messages nobody read yet). */
export const teamUnreadKey = 'team';

export interface UnreadUpdate {
  $inc: Record<string, number>;
  $set: Record<string, number>;
}

const field = (key: string) => `unread.${key}`;
const isMember = (view: ConversationView, userId: string) => view.reps.some((rep) => rep.id === userId);

/**
 * After a message: everyone but the author has one more; the author has read it all. A rep's
 * message answers the queue, so the team's counter is cleared; a customer's adds to it.
 */
export function unreadAfterMessage(view: ConversationView, author: Pick<User, 'id' | 'role'>): UnreadUpdate {
  const readers = [view.customer.id, ...view.reps.map((rep) => rep.id)].filter((id) => id !== author.id);
  const update: UnreadUpdate = { $inc: {}, $set: { [field(author.id)]: 0 } };
  for (const id of readers) update.$inc[field(id)] = 1;
  if (author.role === 'customer') update.$inc[field(teamUnreadKey)] = 1;
  else update.$set[field(teamUnreadKey)] = 0;
  return update;
}

/** After a reader saw everything; undefined when nothing would change (no write, no event). */
export function unreadAfterRead(view: ConversationView, reader: Pick<User, 'id' | 'role'>): Record<string, number> | undefined {
  const reset: Record<string, number> = {};
  // A rep who has not joined has no counter of their own: reading clears the queue's.
  if ((view.unread[reader.id] ?? 0) !== 0) reset[field(reader.id)] = 0;
  if (reader.role === 'rep' && (view.unread[teamUnreadKey] ?? 0) !== 0) reset[field(teamUnreadKey)] = 0;
  return Object.keys(reset).length > 0 ? reset : undefined;
}

/** A rep who joins starts with what the queue has not read. */
export function unreadOnJoin(view: ConversationView, repId: string): Record<string, number> {
  return { [field(repId)]: view.unread[teamUnreadKey] ?? 0 };
}

/** Unread messages for this user: their own counter, or the team's for a rep who has not joined. */
export function unreadFor(view: ConversationView, user: Pick<User, 'id' | 'role'>): number {
  const own = view.unread[user.id];
  if (own !== undefined) return own;
  if (user.role === 'rep' && !isMember(view, user.id)) return view.unread[teamUnreadKey] ?? 0;
  return 0;
}
