import type { ConversationsFeature } from '../conversations/index.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import { authorOf, channelCustomers, type ChannelCustomerView } from './channel-customers.js';
import { detectLanguage, type LanguageRules } from './customer-language.js';
import { keywordOf } from './keywords.js';
import { mediaOf, type InboundMessage } from './messaging-webhook.schemas.js';

export type InboundOutcome = 'stored' | 'duplicate' | 'ignored';

/** The text reps read: the body, then each attachment as a link with its type (never fetched or stored). */
export function bodyOf(event: InboundMessage): string {
  const links = mediaOf(event).map((item) => `[${item.contentType}] ${item.url}`);
  return [event.Body.trim(), ...links].filter(Boolean).join('\n');
}

/**
 * A text or WhatsApp message from a phone, brought into the one message pipeline: the sender's
 * record (created on first contact), their language (detected until a message is long enough),
 * their open conversation (or a new one), and the message, stored once per MessageSid.
 */
export function createInboundService(deps: {
  conversations: ConversationsFeature;
  translations: Pick<TranslationService, 'translate'>;
  rules: LanguageRules;
  logger: Logger;
}) {
  const { conversations, logger } = deps;

  /** A returning customer whose language is still the default: detected again, their conversations follow. */
  async function settleLanguage(customer: ChannelCustomerView, body: string): Promise<ChannelCustomerView> {
    if (customer.languageSource !== 'default') return customer;
    const detected = await detectLanguage(deps.translations, body, deps.rules);
    if (!detected) return customer;
    await channelCustomers.setLanguage(customer.id, detected, 'detected');
    if (detected !== customer.language) await conversations.conversations.setCustomerLanguage(customer.id, detected);
    return { ...customer, language: detected, languageSource: 'detected' };
  }

  /** The sender's record (`created`: made now, with the language detected from this text: one write). */
  async function customerFor(event: InboundMessage): Promise<{ customer: ChannelCustomerView; created: boolean }> {
    const existing = await channelCustomers.findByAddress(event.From);
    if (!existing) {
      const detected = await detectLanguage(deps.translations, event.Body, deps.rules);
      const language = detected ? { language: detected, source: 'detected' as const } : { language: deps.rules.defaultLanguage, source: 'default' as const };
      const made = await channelCustomers.create(event.From, event.To, language);
      if (made.created) return made;
      return { customer: await prepared(made.customer, event), created: false };
    }
    return { customer: await prepared(existing, event), created: false };
  }

  async function prepared(customer: ChannelCustomerView, event: InboundMessage): Promise<ChannelCustomerView> {
    if (customer.ourAddress !== event.To) await channelCustomers.setOurAddress(customer.id, event.To);
    return settleLanguage({ ...customer, ourAddress: event.To }, event.Body);
  }

  async function recordKeyword(customer: ChannelCustomerView, body: string): Promise<void> {
    const keyword = keywordOf(body);
    if (keyword === 'opt-out' || keyword === 'opt-in') {
      await channelCustomers.setOptedOut(customer.id, keyword === 'opt-out');
      logger.info({ customerId: customer.id, keyword }, 'phone customer changed their opt-in');
    }
  }

  async function receive(event: InboundMessage): Promise<InboundOutcome> {
    const { customer, created } = await customerFor(event);
    await recordKeyword(customer, event.Body);
    const body = bodyOf(event);
    const { conversation } = await conversations.conversations.startOrResume(authorOf(customer), customer.channel, { noneOpen: created });
    try {
      // The MessageSid is the message's id: Twilio's retry of the same webhook is stored once.
      const result = await conversations.pipeline.accept({ conversation, author: authorOf(customer), clientId: event.MessageSid, body });
      return result.created ? 'stored' : 'duplicate';
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      logger.info({ customerId: customer.id, messageSid: event.MessageSid, reason: error.code }, 'phone message not accepted');
      return 'ignored';
    }
  }

  return { receive };
}

export type InboundService = ReturnType<typeof createInboundService>;
