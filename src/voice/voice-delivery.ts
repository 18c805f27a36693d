import type { TwilioConfig } from '../config.js';
import type { ChatMessage } from '../contract/chat.js';
import { isSameLanguage } from '../contract/languages.js';
import type { ConversationEvents, ConversationView } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import { createTwilioRestClient } from '../twilio/index.js';
import { ENGLISH, voiceLanguage } from './voice-languages.js';
import type { Spoken } from './voice-prompts.js';
import type { Twiml } from './voice-twiml.js';

/** Replaces what a live call is doing with new TwiML (Twilio's Calls API). */
export interface CallUpdater {
  update(callSid: string, twiml: string): Promise<void>;
}

export function createCallUpdater(account: TwilioConfig): CallUpdater {
  const client = createTwilioRestClient(account);
  return {
    async update(callSid, twiml) {
      await client.calls(callSid).update({ twiml });
    },
  };
}

/**
 * The pipeline's delivery edge for phone conversations: a rep's message (stored once, emitted
 * once) is translated into the caller's language and spoken into the live call, followed by the
 * caller's turn to speak. Answers to one call go out in order; a call that ended gets nothing.
 */
export function createVoiceDelivery(deps: { updater: CallUpdater; translations: Pick<TranslationService, 'translate'>; twiml: Twiml; logger: Logger }) {
  const { logger } = deps;
  const queues = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();

  async function inCallerLanguage(message: ChatMessage, view: ConversationView): Promise<Spoken> {
    if (isSameLanguage(message.language, view.customer.language)) return { text: message.body, language: view.customer.language };
    // The conversation's register, as the translation on write used it: a memory hit, not a second DeepL call.
    const options = { register: view.formality, conversationId: view.id };
    const [outcome] = (await deps.translations.translate([message.body], view.customer.language, message.language, options)).translations;
    // DeepL down: the rep's own words, spoken in the rep's language rather than nothing.
    if (!outcome || outcome.untranslated) return { text: message.body, language: message.language };
    return { text: outcome.text, language: view.customer.language };
  }

  async function speak(message: ChatMessage, view: ConversationView, callSid: string): Promise<void> {
    const language = voiceLanguage(view.customer.language) ?? ENGLISH;
    const spoken = await inCallerLanguage(message, view);
    try {
      await deps.updater.update(callSid, deps.twiml.answer(spoken, language, message.id));
    } catch (error) {
      logger.warn({ err: error, callSid, messageId: message.id }, 'answer not spoken into the call');
    }
  }

  return {
    subscribe(events: ConversationEvents): void {
      events.on('message', (message, view) => {
        const call = view.call;
        if (view.channel !== 'phone' || message.authorRole !== 'rep' || call?.state !== 'live') return;
        const previous = queues.get(call.sid) ?? Promise.resolve();
        const work = previous
          .then(() => speak(message, view, call.sid))
          .catch((error: unknown) => logger.error({ err: error, messageId: message.id }, 'answer to a caller failed'))
          .finally(() => {
            pending.delete(work);
            if (queues.get(call.sid) === work) queues.delete(call.sid);
          });
        queues.set(call.sid, work);
        pending.add(work);
      });
    },
    /** Resolves when every answer started so far reached Twilio (or failed). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
