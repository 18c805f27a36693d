import { AppError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { HISTORY_PAGE_SIZE, MAX_MESSAGE_LENGTH, type ChatMessage, type HistoryPage } from '../realtime/protocol.js';
import { Conversation, teamUnreadKey } from './conversation.model.js';
import type { ConversationEvents } from './conversation.events.js';
import type { ConversationService } from './conversation.service.js';
import type { Actor, MessageTransport } from './conversation.types.js';
import { previewOf, toConversationView, type ConversationView } from './conversation.view.js';
import { normaliseMessageBody } from './message-body.js';

/** The slice of the translation feature messaging uses (structurally its TranslationService). */
export interface MessageTranslations {
  translate(
    texts: readonly string[],
    target: string,
    source?: string,
  ): Promise<{ translations: { text: string; untranslated?: true }[] }>;
  prefetch(text: string, source: string | undefined, targets: readonly string[]): void;
}

export interface MessagingServiceDeps {
  conversations: ConversationService;
  transport: MessageTransport;
  events: ConversationEvents;
  translations?: MessageTranslations;
  logger: Logger;
}

export class ConversationClosedError extends AppError {
  constructor() {
    super(409, 'conversation_closed', 'This conversation is closed. Start a new one to write again.');
  }
}

export interface SendInput {
  conversationId: string;
  clientId: string;
  body: string;
}

/** Checks a message body the same way for both transports (Twilio's limit is 1,600 characters). */
export function validateBody(raw: string): string {
  const body = normaliseMessageBody(raw);
  if (body.length > MAX_MESSAGE_LENGTH) {
    const message = `Messages can be at most ${MAX_MESSAGE_LENGTH} characters.`;
    throw new ValidationError(message, { body: message });
  }
  return body;
}

export function createMessagingService(deps: MessagingServiceDeps) {
  const { conversations, transport, events, logger } = deps;

  /** Counters and preview after a stored message; everyone but the author gets one more unread. */
  async function recordActivity(view: ConversationView, message: ChatMessage, author: Actor): Promise<ConversationView> {
    const readers = [view.customer.id, ...view.reps.map((rep) => rep.id)].filter((id) => id !== author.id);
    const increments: Record<string, number> = { messageCount: 1 };
    for (const id of readers) increments[`unread.${id}`] = 1;
    if (author.role === 'customer') increments[`unread.${teamUnreadKey}`] = 1;
    const stored = await Conversation.findOneAndUpdate(
      { _id: view.id },
      {
        $inc: increments,
        $set: {
          lastActivityAt: new Date(message.createdAt),
          lastMessagePreview: previewOf(message.body),
          lastMessageLanguage: message.language,
          ...(author.role === 'rep' ? { [`unread.${teamUnreadKey}`]: 0 } : {}),
        },
      },
      { returnDocument: 'after' },
    ).lean();
    return stored ? toConversationView(stored) : view;
  }

  function prefetchTranslations(view: ConversationView, message: ChatMessage): void {
    const targets = [view.customer.language, ...view.reps.map((rep) => rep.language)].filter(
      (language) => language !== message.language,
    );
    if (targets.length === 0 || !deps.translations) return;
    try {
      deps.translations.prefetch(message.body, message.language, [...new Set(targets)]);
    } catch (error) {
      logger.warn({ err: error }, 'translation prefetch failed to start');
    }
  }

  async function send(user: Actor, input: SendInput): Promise<{ message: ChatMessage; created: boolean }> {
    const body = validateBody(input.body);
    const found = await conversations.getForUser(user, input.conversationId);
    if (found.status === 'closed') throw new ConversationClosedError();
    const view = user.role === 'rep' && !found.reps.some((rep) => rep.id === user.id) ? await conversations.join(user, found.id) : found;
    const target = await conversations.ensureTransport(view);
    const role = user.role === 'rep' ? 'rep' : 'customer';
    const result = await transport.sendMessage(target, {
      clientId: input.clientId,
      body,
      language: user.language,
      author: { id: user.id, username: user.username, role },
    });
    if (!result.created) return result;
    const updated = await recordActivity(target, result.message, user);
    events.emit('message', result.message, updated);
    prefetchTranslations(updated, result.message);
    return result;
  }

  async function history(user: Actor, input: { conversationId: string; before?: string; limit?: number }): Promise<HistoryPage> {
    const view = await conversations.getForUser(user, input.conversationId);
    const limit = Math.min(Math.max(input.limit ?? HISTORY_PAGE_SIZE, 1), HISTORY_PAGE_SIZE);
    if (!view.transportId) return { messages: [], hasMore: false };
    return transport.listMessages({ id: view.id, transportId: view.transportId }, { before: input.before, limit });
  }

  async function markRead(user: Actor, conversationId: string): Promise<ConversationView> {
    const view = await conversations.getForUser(user, conversationId);
    const reset: Record<string, number> = { [`unread.${user.id}`]: 0 };
    if (user.role === 'rep') reset[`unread.${teamUnreadKey}`] = 0;
    const stored = await Conversation.findOneAndUpdate({ _id: view.id }, { $set: reset }, { returnDocument: 'after' }).lean();
    const updated = stored ? toConversationView(stored) : view;
    events.emit('updated', updated);
    return updated;
  }

  return { send, history, markRead };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
