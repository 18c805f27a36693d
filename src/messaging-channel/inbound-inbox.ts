import { createDurableInbox, type DurableInbox } from '../lib/durable-inbox.js';
import type { Logger } from '../lib/logger.js';
import type { InboundMessage } from './messaging-webhook.schemas.js';

/**
 * Texts Twilio handed over and Parley has not finished with (lib/durable-inbox.ts): the webhook
 * records the text under its MessageSid and answers; the work (customer, language detection,
 * conversation, pipeline) follows, one text at a time per sender so their messages keep their
 * order. Texts recorded before the MessageSid became the _id have an ObjectId and a unique
 * `messageSid`, which is still written: a repeat of such a text still collides.
 */
export function createInbox(deps: { process: (event: InboundMessage) => Promise<void>; logger: Logger }): Inbox {
  return createDurableInbox<InboundMessage>({
    model: 'MessagingInbox', keyOf: (event) => event.MessageSid, orderOf: (event) => event.From, legacyKey: 'messageSid', label: 'phone message', ...deps,
  });
}

export type Inbox = DurableInbox<InboundMessage>;
