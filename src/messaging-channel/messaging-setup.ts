import type { MessagingConfig } from '../config.js';
import { createTwilioRestClient } from '../twilio/index.js';
import { inboundWebhookPath } from './message-sender.js';

/**
 * Points a phone number's "a message comes in" webhook at this app (PUBLIC_URL). Status
 * callbacks need no set-up: every message Parley sends names its own. Safe to run again.
 */
export async function setUpNumberWebhook(config: MessagingConfig, phoneNumber: string): Promise<string[]> {
  const client = createTwilioRestClient(config.account);
  const smsUrl = `${config.account.publicUrl}${inboundWebhookPath}`;
  const [number] = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
  if (!number) throw new Error(`The Twilio account has no number ${phoneNumber}.`);
  if (number.smsUrl === smsUrl && String(number.smsMethod).toUpperCase() === 'POST') {
    return [`number ${phoneNumber}: incoming messages already go to ${smsUrl}`];
  }
  await client.incomingPhoneNumbers(number.sid).update({ smsUrl, smsMethod: 'POST' });
  return [`number ${phoneNumber}: incoming messages now go to ${smsUrl}`];
}
