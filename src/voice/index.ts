// The door to phone callers: an edge around the one message pipeline. A call comes in on a
// signed Twilio webhook; each thing the caller says is their message; each rep answer leaves
// through the pipeline's `message` event, translated and spoken into the live call.
import type { Router } from 'express';
import type { VoiceConfig } from '../config.js';
import type { ConversationsFeature } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import { createCallUpdater, createVoiceDelivery, type CallUpdater } from './voice-delivery.js';
import { menuLanguages } from './voice-languages.js';
import { createPromptBook } from './voice-prompts.js';
import { createTwiml } from './voice-twiml.js';
import { voiceWebhookRoutes } from './voice-webhook.routes.js';
import { createVoiceService } from './voice.service.js';

export { voiceLanguages, voiceLanguage, type VoiceLanguage } from './voice-languages.js';
export { englishPrompts } from './voice-prompts.js';
export { voicePaths } from './voice-twiml.js';
export { setUpVoiceWebhook } from './voice-setup.js';
export type { CallUpdater } from './voice-delivery.js';

export interface VoiceChannelDeps {
  config: VoiceConfig;
  conversations: ConversationsFeature;
  translations: TranslationService;
  logger: Logger;
  /** Replaces Twilio's Calls API (benchmarks); tests use the local Twilio server instead. */
  updater?: CallUpdater;
}

export function createVoiceChannel(deps: VoiceChannelDeps) {
  const { config, conversations, translations, logger } = deps;
  const menu = menuLanguages(config.languages);
  const twiml = createTwiml({ publicUrl: config.account.publicUrl, maxWaitSeconds: config.maxWaitSeconds });
  const prompts = createPromptBook({ menu, translations, logger });
  const service = createVoiceService({ conversations, menu, prompts, twiml, lowConfidence: config.lowConfidence, logger });
  const delivery = createVoiceDelivery({ updater: deps.updater ?? createCallUpdater(config.account), translations, twiml, logger });
  delivery.subscribe(conversations.events);
  return {
    webhookRoutes: voiceWebhookRoutes({ service, authToken: config.account.authToken, publicUrl: config.account.publicUrl, logger }) satisfies Router,
    /** Translates the fixed prompts of every menu language (once: the memory keeps them). */
    warm: () => prompts.warmAll(),
    /** Resolves when every speech result recorded so far is a message and every rep answer started so far reached Twilio (or failed). */
    idle: async () => {
      await service.idle();
      await delivery.idle();
    },
    /** Takes up speech results a crash or failure left without their message, now and every 30 s, until stopped. */
    startSweeping(): { stop(): void } {
      const sweep = () => void service.sweep().catch((error: unknown) => logger.warn({ err: error }, 'caller speech sweep failed'));
      const timer = setInterval(sweep, 30_000);
      timer.unref();
      sweep();
      return { stop: () => clearInterval(timer) };
    },
    /** For tests: one sweep of speech results, as if at `now`. */
    sweep: (now?: number) => service.sweep(now),
  };
}

export type VoiceChannel = ReturnType<typeof createVoiceChannel>;
