// The one path every message takes, whatever carried it (a socket, the no-JS form, the JSON API,
// a Twilio webhook): validate → store → update the conversation (unread, last activity) →
// notify → translate on write into the other participants' languages → hand to the transport.
import { MAX_MESSAGE_LENGTH, type CarriedTranslation, type ChatMessage, type Role } from '../contract/chat.js';
import { ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationEvents } from './conversation.events.js';
import { conversationStore } from './conversation.store.js';
import type { MessageTransport } from './conversation.types.js';
import type { ConversationView } from './conversation.view.js';
import { normaliseMessageBody } from './message-body.js';
import { messageStore, type StoredChatMessage } from './message.store.js';

/** The slice of the translation feature messaging uses (structurally its TranslationService). */
export interface MessageTranslations {
  translate(
    texts: readonly string[],
    target: string,
    source?: string,
  ): Promise<{ translations: { text: string; untranslated?: true }[] }>;
  prefetch(text: string, source: string | undefined, targets: readonly string[]): void;
  /** What the memory already has, without waiting (absent: live events carry no translations). */
  cached?(text: string, target: string, source?: string): { text: string; detectedSourceLang: string | undefined } | undefined;
}

export interface IncomingMessage {
  /** The conversation, with its transport side created when the transport has one. */
  conversation: ConversationView;
  author: { id: string; username: string; role: Role; language: string };
  clientId: string;
  body: string;
  /** Set when the transport brought the message (it is there already: not handed back). */
  transportSid?: string;
}

/** Checks a message body the same way for every channel (Twilio's limit is 1,600 characters). */
export function validateBody(raw: string): string {
  const body = normaliseMessageBody(raw);
  if (body.length > MAX_MESSAGE_LENGTH) {
    const message = `Messages can be at most ${MAX_MESSAGE_LENGTH} characters.`;
    throw new ValidationError(message, { body: message });
  }
  return body;
}

export function createMessagePipeline(deps: {
  transport: MessageTransport;
  events: ConversationEvents;
  translations?: MessageTranslations;
  logger: Logger;
}) {
  const { transport, events, logger } = deps;

  const readerLanguages = (view: ConversationView, message: ChatMessage) =>
    [...new Set([view.customer.language, ...view.reps.map((rep) => rep.language)])].filter((language) => language !== message.language);

  /**
   * The live event carries the readers' translations the memory already has, so a reader's page
   * does not ask /translate for them (the common case: the same texts come back, and translating
   * on write fills the memory). Missing ones are left to the page.
   */
  function withCarriedTranslations(view: ConversationView, message: ChatMessage): ChatMessage {
    const carried: Record<string, CarriedTranslation> = {};
    for (const language of readerLanguages(view, message)) {
      const found = deps.translations?.cached?.(message.body, language, message.language);
      if (found) carried[language] = { text: found.text, detectedSourceLang: found.detectedSourceLang ?? null };
    }
    return Object.keys(carried).length > 0 ? { ...message, translations: carried } : message;
  }

  function translateOnWrite(view: ConversationView, message: ChatMessage): void {
    const targets = readerLanguages(view, message);
    if (targets.length === 0 || !deps.translations) return;
    try {
      deps.translations.prefetch(message.body, message.language, targets);
    } catch (error) {
      logger.warn({ err: error }, 'translation prefetch failed to start');
    }
  }

  /**
   * Hands a message the transport does not have yet to it, once: a resend of a message whose
   * delivery failed tries again, any other resend does nothing (no duplicate in Twilio).
   */
  async function deliver(view: ConversationView, stored: StoredChatMessage): Promise<void> {
    if (!transport.deliver || !view.transportId || stored.transportSid) return;
    if (!stored.created && !(stored.deliveryFailed && (await messageStore.claimRedelivery(stored.message.id)))) return;
    try {
      const { transportSid } = await transport.deliver({ id: view.id, transportId: view.transportId }, stored.message);
      await messageStore.markDelivered(stored.message.id, transportSid);
    } catch (error) {
      // Stored is accepted: readers see it from the database; a resend hands it over again.
      logger.warn({ err: error, conversationId: view.id, messageId: stored.message.id }, 'message stored but not handed to the transport');
      await messageStore.markDeliveryFailed(stored.message.id);
    }
  }

  async function accept(incoming: IncomingMessage): Promise<{ message: ChatMessage; created: boolean }> {
    const { conversation, author } = incoming;
    const stored = await messageStore.storeOnce(conversation.id, {
      clientId: incoming.clientId,
      body: validateBody(incoming.body),
      language: author.language,
      author: { id: author.id, username: author.username, role: author.role },
      transportSid: incoming.transportSid,
    });
    if (stored.created) {
      const updated = await conversationStore.recordMessage(conversation, stored.message, author);
      events.emit('message', withCarriedTranslations(updated, stored.message), updated);
      translateOnWrite(updated, stored.message);
    }
    if (!incoming.transportSid) await deliver(conversation, stored);
    return { message: stored.message, created: stored.created };
  }

  return { accept };
}

export type MessagePipeline = ReturnType<typeof createMessagePipeline>;
