import mongoose from 'mongoose';
import type { ChatMessage, ConversationFormality } from '../contract/chat.js';
import { smsSegments } from '../contract/sms-segments.js';
import { isSameLanguage } from '../contract/languages.js';
import type { ConversationEvents, ConversationView } from '../conversations/index.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import { channelCustomers, type ChannelCustomerView } from './channel-customers.js';
import { ChannelDelivery, type ChannelDeliveryRecord, type DeliveryStatus } from './channel-delivery.model.js';
import { explainDeliveryError } from './delivery-errors.js';
import { twilioErrorCode, type MessageSender } from './message-sender.js';

export const optedOutNote = 'The customer texted STOP: nothing is sent to this number until they text START.';
const untranslatedNote = 'Sent in your words, untranslated: translation was unavailable when it left.';
const unreachableNote = 'Twilio could not be reached; the message was not sent. Send it again in a moment.';
const interruptedNote = 'Parley stopped while sending this: it may not have reached the phone. Send it again if needed.';
/** A delivery still "sending" after this long was interrupted (its server stopped). */
export const INTERRUPTED_AFTER_MS = 60_000;

/**
 * Rep messages in phone conversations, sent to the phone in the customer's language. It listens
 * to the pipeline's `message` event (stored once, emitted once) and claims each message with a
 * delivery record before calling Twilio, so a message is sent at most once.
 */
export function createOutboundService(deps: { sender: MessageSender; translations: Pick<TranslationService, 'translate'>; logger: Logger }) {
  const { logger } = deps;
  const pending = new Set<Promise<void>>();

  async function claim(message: ChatMessage, customer: ChannelCustomerView): Promise<boolean> {
    try {
      // Keyed by the message: every later write of this delivery is an `_id` update (indexed on FerretDB 1.x).
      await ChannelDelivery.create({
        _id: message.id, messageId: message.id, conversationId: message.conversationId, customerId: customer.id,
        body: message.body, language: message.language, status: 'sending',
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  const record = (messageId: string, changes: Partial<ChannelDeliveryRecord>) => ChannelDelivery.updateOne({ _id: messageId }, { $set: changes });

  async function inCustomerLanguage(message: ChatMessage, customer: ChannelCustomerView, register?: ConversationFormality) {
    if (isSameLanguage(message.language, customer.language)) return { body: message.body, language: message.language, untranslated: false };
    // The conversation's register, as the translation on write used it: a memory hit, not a second DeepL call.
    const options = { register, conversationId: message.conversationId };
    const [outcome] = (await deps.translations.translate([message.body], customer.language, message.language, options)).translations;
    if (!outcome || outcome.untranslated) return { body: message.body, language: message.language, untranslated: true };
    return { body: outcome.text, language: customer.language, untranslated: false };
  }

  async function sendToPhone(message: ChatMessage, customer: ChannelCustomerView, register?: ConversationFormality): Promise<void> {
    if (customer.optedOutAt) return void (await record(message.id, { status: 'refused', note: optedOutNote }));
    const text = await inCustomerLanguage(message, customer, register);
    const base = { ...text, segments: smsSegments(text.body).segments, note: text.untranslated ? untranslatedNote : null };
    try {
      const sent = await deps.sender.send({ to: customer.address, from: customer.ourAddress, body: text.body });
      await record(message.id, { ...base, messageSid: sent.sid, status: sent.status === 'sent' ? 'sent' : 'queued' });
    } catch (error) {
      const code = twilioErrorCode(error);
      if (code === 21610) await channelCustomers.setOptedOut(customer.id, true);
      const note = code === undefined ? unreachableNote : explainDeliveryError(code, error instanceof Error ? error.message : undefined);
      logger.warn({ err: error, messageId: message.id, code }, 'message to a phone not sent');
      await record(message.id, { ...base, status: 'failed', errorCode: code ?? null, note: note ?? null });
    }
  }

  async function deliver(message: ChatMessage, view: ConversationView): Promise<void> {
    const customer = await channelCustomers.findById(view.customer.id);
    if (!customer || !(await claim(message, customer))) return;
    await sendToPhone(message, customer, view.formality);
  }

  return {
    /** Listens for rep messages in SMS and WhatsApp conversations. */
    subscribe(events: ConversationEvents): void {
      events.on('message', (message, view) => {
        if ((view.channel !== 'sms' && view.channel !== 'whatsapp') || message.authorRole !== 'rep') return;
        const work = deliver(message, view)
          .catch((error: unknown) => logger.error({ err: error, messageId: message.id }, 'message to a phone failed'))
          .finally(() => pending.delete(work));
        pending.add(work);
      });
    },
    /** Resolves when every delivery started so far is done (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** Deliveries a stopped server left half-way are shown to the rep as such, never left silent. */
export async function markInterrupted(now = Date.now()): Promise<number> {
  const result = await ChannelDelivery.updateMany(
    { status: 'sending', updatedAt: mongoose.trusted({ $lt: new Date(now - INTERRUPTED_AFTER_MS) }) },
    { $set: { status: 'failed', note: interruptedNote } },
  );
  return result.modifiedCount;
}

/** Twilio's statuses in the order they happen: a late "sent" never overwrites "delivered". */
const statusRank: Record<DeliveryStatus, number> = { sending: 0, queued: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, refused: 3, read: 4 };

function statusFrom(twilioStatus: string): DeliveryStatus | undefined {
  if (['accepted', 'scheduled', 'queued', 'sending'].includes(twilioStatus)) return 'queued';
  return (['sent', 'delivered', 'undelivered', 'failed', 'read'] as const).find((status) => status === twilioStatus);
}

/** A status callback from Twilio: recorded when it moves the message forward. */
export async function recordStatus(event: { MessageSid: string; MessageStatus: string; ErrorCode?: number; ErrorMessage?: string }): Promise<boolean> {
  const status = statusFrom(event.MessageStatus);
  if (!status) return false;
  const earlier = (Object.keys(statusRank) as DeliveryStatus[]).filter((candidate) => statusRank[candidate] < statusRank[status]);
  const failed = status === 'failed' || status === 'undelivered';
  const changes = failed ? { status, errorCode: event.ErrorCode ?? null, note: explainDeliveryError(event.ErrorCode, event.ErrorMessage) ?? null } : { status };
  const result = await ChannelDelivery.updateOne({ messageSid: event.MessageSid, status: mongoose.trusted({ $in: earlier }) }, { $set: changes });
  return result.modifiedCount > 0;
}
