import { HISTORY_PAGE_SIZE, type ChatMessage, type HistoryPage, type User } from '../contract/chat.js';
import { AppError, ForbiddenError } from '../lib/errors.js';
import type { ConversationEvents } from './conversation.events.js';
import type { ConversationService } from './conversation.service.js';
import { conversationStore } from './conversation.store.js';
import type { ConversationView } from './conversation.view.js';
import type { MessagePipeline } from './message-pipeline.js';
import { RECENT_IDS_KEPT } from './message-record.js';
import { messageStore } from './message.store.js';

export class ConversationClosedError extends AppError {
  constructor() {
    super(409, 'conversation_closed', 'This conversation is closed. Start a new one to write again.');
  }
}

/**
 * A rule another feature adds before a message is accepted (an SMS customer who texted STOP
 * receives nothing): throws an AppError to refuse it, with the reason the sender sees.
 */
export type SendCheck = (user: User, conversation: ConversationView) => Promise<void>;

export interface SendInput {
  conversationId: string;
  clientId: string;
  body: string;
}

/** What a signed-in person does with messages on Parley's own pages (socket, form, JSON API). */
export function createMessagingService(deps: { conversations: ConversationService; pipeline: MessagePipeline; events: ConversationEvents }) {
  const { conversations, pipeline, events } = deps;
  const sendChecks: SendCheck[] = [];

  async function send(user: User, input: SendInput): Promise<{ message: ChatMessage; created: boolean }> {
    // Authorized from the process's recent view of the conversation: no database read per message.
    const found = await conversations.getForUser(user, input.conversationId, { recent: true });
    if (found.status === 'closed') throw new ConversationClosedError();
    for (const check of sendChecks) await check(user, found);
    const joined = user.role === 'rep' && !found.reps.some((rep) => rep.id === user.id) ? await conversations.join(user, found.id) : found;
    const conversation = await conversations.ensureTransport(joined);
    return pipeline.accept({ conversation, author: user, clientId: input.clientId, body: input.body });
  }

  /**
   * A rep's private note, through the same pipeline: no join (the customer would see one), no
   * send checks (they guard what reaches the customer), allowed on closed conversations (wrap-ups).
   */
  async function addNote(user: User, input: SendInput): Promise<{ message: ChatMessage; created: boolean }> {
    if (user.role !== 'rep') throw new ForbiddenError('Only support representatives write notes.');
    const conversation = await conversations.getForUser(user, input.conversationId);
    return pipeline.accept({ conversation, author: user, clientId: input.clientId, body: input.body, kind: 'note' });
  }

  /**
   * Opening a conversation reads its newest messages by the ids it lists (flat however long it
   * is); scrolling up (`before`) queries them. The conversation is read from the database here,
   * so its list includes what other instances wrote.
   */
  async function history(user: User, input: { conversationId: string; before?: string; limit?: number }): Promise<HistoryPage> {
    const view = await conversations.getForUser(user, input.conversationId);
    const limit = Math.min(Math.max(input.limit ?? HISTORY_PAGE_SIZE, 1), HISTORY_PAGE_SIZE);
    // Customers never read notes, on any page or API: this is where their history is read.
    const reading = { limit, notes: user.role === 'rep' };
    if (input.before) return messageStore.page(view.id, { before: input.before, ...reading });
    return (await messageStore.newestListed(view, reading)) ?? newestQueried(view, reading);
  }

  /** The newest page the old way; an older conversation gets its list of newest ids on the way (once). */
  async function newestQueried(view: ConversationView, reading: { limit: number; notes: boolean }): Promise<HistoryPage> {
    const page = await messageStore.page(view.id, reading);
    if (!view.recentIdsComplete) await conversationStore.fillRecentIds(view, await messageStore.newestIds(view.id, RECENT_IDS_KEPT));
    return page;
  }

  /**
   * Marks read for this user everything through `through` (a message id; everything when
   * omitted); a mark that clears nothing writes and tells nobody. With a mark, from the process's
   * recent view: the store checks it against the newest message when it writes.
   */
  async function markRead(user: User, conversationId: string, through?: string): Promise<ConversationView> {
    const view = await conversations.getForUser(user, conversationId, { recent: through !== undefined });
    const updated = await conversationStore.markRead(view, user, through);
    if (!updated) return view;
    events.emit('updated', updated);
    return updated;
  }

  return { send, addNote, history, markRead, addSendCheck: (check: SendCheck) => void sendChecks.push(check) };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
