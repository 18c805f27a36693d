// The door to SMS and WhatsApp customers: an edge around the one message pipeline. Inbound texts
// enter it like any message (signed Twilio webhooks); rep answers leave through its `message`
// event, translated into the customer's language and sent with Twilio's Messages API.
import type { Router } from 'express';
import type { MessagingConfig } from '../config.js';
import type { LanguagesProvider } from '../contract/languages.js';
import { AppError } from '../lib/errors.js';
import type { ConversationsFeature, SendCheck } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import { channelApiRoutes } from './channel-api.routes.js';
import { channelCustomers } from './channel-customers.js';
import { createInbox } from './inbound-inbox.js';
import { createInboundService } from './inbound.service.js';
import { createMessageSender, type MessageSender } from './message-sender.js';
import { messagingWebhookRoutes } from './messaging-webhook.routes.js';
import { createOutboundService, markInterrupted, optedOutNote } from './outbound.service.js';

export { inboundWebhookPath, statusCallbackPath } from './message-sender.js';
export { maskedName, channelOf } from './addresses.js';
export { explainDeliveryError } from './delivery-errors.js';

export interface MessagingChannelDeps {
  config: MessagingConfig;
  conversations: ConversationsFeature;
  translations: TranslationService;
  languages: LanguagesProvider;
  logger: Logger;
  /** Replaces Twilio's Messages API (benchmarks); tests use the local Twilio server instead. */
  sender?: MessageSender;
}

/** A customer who texted STOP receives nothing: the rep's message is refused before it is stored. */
const refuseOptedOut: SendCheck = async (user, conversation) => {
  if ((conversation.channel !== 'sms' && conversation.channel !== 'whatsapp') || user.role !== 'rep') return;
  const customer = await channelCustomers.findById(conversation.customer.id);
  if (customer?.optedOutAt) throw new AppError(409, 'recipient_opted_out', optedOutNote);
};

export function createMessagingChannel(deps: MessagingChannelDeps) {
  const { config, conversations, translations, logger } = deps;
  const rules = { defaultLanguage: config.defaultLanguage, languageVariants: config.languageVariants };
  const outbound = createOutboundService({ sender: deps.sender ?? createMessageSender(config), translations, logger });
  outbound.subscribe(conversations.events);
  conversations.messaging.addSendCheck(refuseOptedOut);
  const inbound = createInboundService({ conversations, translations, rules, logger });
  const inbox = createInbox({ process: async (event) => void (await inbound.receive(event)), logger });
  return {
    webhookRoutes: messagingWebhookRoutes({ inbox, authToken: config.account.authToken, publicUrl: config.account.publicUrl, logger }),
    apiRoutes: channelApiRoutes({ conversations, languages: deps.languages }) satisfies Router,
    /** Resolves when every text and answer started so far is done (reached Twilio, or failed). */
    idle: async () => {
      await inbox.idle();
      await outbound.idle();
    },
    /** Takes up texts a crash or failure left unfinished, now and every 30 s, until stopped. */
    startSweeping(): { stop(): void } {
      const sweep = () =>
        void Promise.all([inbox.sweep(), markInterrupted()]).catch((error: unknown) => logger.warn({ err: error }, 'phone message sweep failed'));
      const timer = setInterval(sweep, 30_000);
      timer.unref();
      sweep();
      return { stop: () => clearInterval(timer) };
    },
    /** For tests: one sweep of texts, and of answers left half-sent, as if at `now`. */
    sweep: (now?: number) => inbox.sweep(now),
    sweepDeliveries: (now?: number) => markInterrupted(now),
  };
}

export type MessagingChannel = ReturnType<typeof createMessagingChannel>;
export { setUpNumberWebhook } from './messaging-setup.js';
