import twilio from 'twilio';
import type { MessagingConfig } from '../config.js';
import { createTwilioRestClient } from '../twilio/index.js';

export const inboundWebhookPath = '/webhooks/twilio/messaging';
export const statusCallbackPath = '/webhooks/twilio/messaging/status';

export interface OutgoingText {
  to: string;
  /** The number (or `whatsapp:` sender) the customer wrote to; unused with a Messaging Service. */
  from: string;
  body: string;
}

export interface MessageSender {
  send(text: OutgoingText): Promise<{ sid: string; status: string }>;
}

/** Twilio's Messages API (2010), with a status callback for every message. */
export function createMessageSender(config: MessagingConfig): MessageSender {
  const client = createTwilioRestClient(config.account);
  const statusCallback = `${config.account.publicUrl}${statusCallbackPath}`;
  return {
    async send({ to, from, body }) {
      // WhatsApp needs a whatsapp: sender; a Messaging Service has one when it is set up for WhatsApp.
      const sender = config.messagingServiceSid ? { messagingServiceSid: config.messagingServiceSid } : { from };
      const created = await client.messages.create({ to, body, statusCallback, ...sender });
      return { sid: created.sid, status: String(created.status) };
    },
  };
}

/** The error code of a refused Messages API call (21610 opted out, 21211 invalid number…). */
export function twilioErrorCode(error: unknown): number | undefined {
  return error instanceof twilio.RestException ? error.code : undefined;
}
