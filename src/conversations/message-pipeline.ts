// The one path every message takes, whatever carried it (a socket, the no-JS form, the JSON API,
// a Twilio webhook): validate → store → update the conversation (unread, last activity) →
// notify → translate on write into the other participants' languages → hand to the transport.
import { MAX_MESSAGE_LENGTH, type CarriedTranslation, type ChatMessage, type ConversationFormality, type MessageKind, type Role } from '../contract/chat.js';
import { baseLanguage, normaliseLanguageCode } from '../contract/languages.js';
import { ValidationError } from '../lib/errors.js';
import type { PrefetchOptions } from '../translation/index.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationEvents } from './conversation.events.js';
import { conversationStore } from './conversation.store.js';
import type { MessageTransport } from './conversation.types.js';
import type { ConversationView } from './conversation.view.js';
import { normaliseMessageBody } from './message-body.js';
import { messageStore, type StoredChatMessage } from './message.store.js';
import { createMessageWriter, type MessageWriter } from './message-writer.js';

/** The slice of the translation feature messaging uses (structurally its TranslationService). */
export interface MessageTranslations {
  translate(
    texts: readonly string[],
    target: string,
    source?: string,
    /** For text a customer reads, the conversation's register: the key the translation on write used. */
    options?: { register?: ConversationFormality; conversationId?: string },
  ): Promise<{ translations: { text: string; untranslated?: true }[] }>;
  prefetch(text: string, source: string | undefined, targets: readonly string[], options?: PrefetchOptions): void;
  /** What the memory already has, without waiting (absent: live events carry no translations). */
  cached?(text: string, target: string, source?: string, register?: ConversationFormality): { text: string; detectedSourceLang: string | undefined } | undefined;
}

/** How many earlier messages go along as context, and at most how many characters of them. */
const contextMessages = 3;
const contextCharacters = 1_000;

export interface IncomingMessage {
  /** The conversation, with its transport side created when the transport has one. */
  conversation: ConversationView;
  author: { id: string; username: string; role: Role; language: string };
  clientId: string;
  body: string;
  /** Set when the transport brought the message (it is there already: not handed back). */
  transportSid?: string;
  /** `note`: a private note between reps (stored, translated for reps, never delivered); `system`:
   * the lines Parley writes itself (assignment-lines.ts); a person's message otherwise. */
  kind?: MessageKind;
}

const isNote = (message: ChatMessage) => message.kind === 'note';

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
  /** Groups the hot path's writes; the default one writes to the stores. */
  writer?: MessageWriter;
}) {
  const { transport, events, logger } = deps;
  const writer = deps.writer ?? createMessageWriter();

  /** The few messages before this one (or the newest, for a draft), oldest first, as DeepL's (unbilled) context. */
  /** The messages just before this one, by the ids its conversation lists when it can tell (no query), else queried. */
  async function contextBefore(message: Pick<ChatMessage, 'conversationId' | 'kind'> & { id?: string }, view?: ConversationView): Promise<string | undefined> {
    const reading = { limit: contextMessages, notes: message.kind === 'note' };
    const listed = view && message.id ? await messageStore.listedBefore(view, message.id, reading) : undefined;
    const messages = listed ?? (await messageStore.page(message.conversationId, { before: message.id, ...reading })).messages;
    // Parley's own lines ("You are now talking to Ahmed") say nothing about what a message means.
    const said = messages.filter((earlier) => earlier.kind !== 'system');
    const text = said.map((earlier) => earlier.body).join('\n').slice(-contextCharacters);
    return text === '' ? undefined : text;
  }

  // A note's readers are the reps alone: it is never translated for the customer.
  const readerLanguages = (view: ConversationView, message: ChatMessage) =>
    [...new Set([...(isNote(message) ? [] : [view.customer.language]), ...view.reps.map((rep) => rep.language)])].filter(
      (language) => language !== message.language,
    );

  /**
   * The live event carries the readers' translations the memory already has, so a reader's page
   * does not ask /translate for them (the common case: the same texts come back, and translating
   * on write fills the memory). Missing ones are left to the page.
   */
  function withCarriedTranslations(view: ConversationView, message: ChatMessage): ChatMessage {
    const carried: Record<string, CarriedTranslation> = {};
    for (const language of readerLanguages(view, message)) {
      // What the customer reads is keyed with the conversation's register, as translated on write.
      const register = language === view.customer.language ? view.formality : undefined;
      const found = deps.translations?.cached?.(message.body, language, message.language, register);
      if (found) carried[language] = { text: found.text, detectedSourceLang: found.detectedSourceLang ?? null };
    }
    return Object.keys(carried).length > 0 ? { ...message, translations: carried } : message;
  }

  function translateOnWrite(view: ConversationView, message: ChatMessage): void {
    const targets = readerLanguages(view, message);
    if (targets.length === 0 || !deps.translations) return;
    const fromCustomer = message.authorRole === 'customer';
    // A conversation's first message has nothing before it: no read (a scan of every message on FerretDB 1.x).
    const first = !isNote(message) && view.messageCount <= 1;
    const options: PrefetchOptions = {
      ...(first ? {} : { loadContext: () => contextBefore(message, view) }),
      conversationId: view.id,
      // What the readers read is searchable too ("in the translation a rep read").
      onTranslated: (text, target) => events.emit('translated', message, text, target),
      ...(fromCustomer
        ? { detectSource: true, onDetected: (language) => void noticeLanguage(view, language) }
        : { registers: { [normaliseLanguageCode(view.customer.language)]: view.formality } }),
    };
    try {
      deps.translations.prefetch(message.body, message.language, [...new Set(targets)], options);
    } catch (error) {
      logger.warn({ err: error }, 'translation prefetch failed to start');
    }
  }

  /** A customer writing in another language than declared, twice in a row, is asked to switch. */
  async function noticeLanguage(view: ConversationView, language: string): Promise<void> {
    // The declared language with no streak to reset: nothing to read or write.
    if (baseLanguage(language) === baseLanguage(view.customer.language) && view.detectedLanguage === null) return;
    try {
      const updated = await conversationStore.recordDetectedLanguage(view.id, language);
      if (updated) events.emit('updated', updated);
    } catch (error) {
      logger.warn({ err: error, conversationId: view.id }, 'could not record the detected language');
    }
  }

  /**
   * Hands a message the transport does not have yet to it, once: a resend of a message whose
   * delivery failed tries again, any other resend does nothing (no duplicate in Twilio).
   */
  async function deliver(view: ConversationView, stored: StoredChatMessage): Promise<void> {
    // The one guard for every transport: a note never leaves Parley (Twilio holds what customers read).
    if (isNote(stored.message) || !transport.deliver || !view.transportId || stored.transportSid) return;
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
    // Stored and counted together with concurrent messages (group commit, message-writer.ts).
    const { stored, updated } = await writer.write(conversation, {
      clientId: incoming.clientId,
      body: validateBody(incoming.body),
      language: author.language,
      author: { id: author.id, username: author.username, role: author.role },
      transportSid: incoming.transportSid,
      kind: incoming.kind,
    }, author);
    if (stored.created && isNote(stored.message)) {
      // Not `message`: every channel listens to that one, so none can hand a note to a customer.
      // The conversation (preview, unread) is what the customer sees too: a note leaves it alone.
      events.emit('note', withCarriedTranslations(conversation, stored.message), conversation);
      translateOnWrite(conversation, stored.message);
    } else if (stored.created && updated) {
      events.emit('message', withCarriedTranslations(updated, stored.message), updated);
      translateOnWrite(updated, stored.message);
    }
    if (!incoming.transportSid) await deliver(conversation, stored);
    return { message: stored.message, created: stored.created };
  }

  /** The context a draft would be sent with now: a preview's translation is the one the message gets. */
  const draftContext = (conversationId: string) => contextBefore({ conversationId });

  return { accept, draftContext };
}

export type MessagePipeline = ReturnType<typeof createMessagePipeline>;
