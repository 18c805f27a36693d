import type { VoiceConfig } from '../config.js';
import { createTwilioRestClient } from '../twilio/index.js';
import { voicePaths } from './voice-twiml.js';

/**
 * Points a phone number's "a call comes in" webhook and its call status callback at this app
 * (PUBLIC_URL). Changes only what differs, so it is safe to run again.
 */
export async function setUpVoiceWebhook(config: VoiceConfig, phoneNumber: string): Promise<string[]> {
  const client = createTwilioRestClient(config.account);
  const voiceUrl = `${config.account.publicUrl}${voicePaths.incoming}`;
  const statusCallback = `${config.account.publicUrl}${voicePaths.status}`;
  const [number] = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
  if (!number) throw new Error(`The Twilio account has no number ${phoneNumber}.`);
  const same = number.voiceUrl === voiceUrl && String(number.voiceMethod).toUpperCase() === 'POST' && number.statusCallback === statusCallback;
  if (same) return [`number ${phoneNumber}: calls already go to ${voiceUrl}`];
  await client.incomingPhoneNumbers(number.sid).update({ voiceUrl, voiceMethod: 'POST', statusCallback, statusCallbackMethod: 'POST' });
  return [`number ${phoneNumber}: calls now go to ${voiceUrl} (status callbacks to ${statusCallback})`];
}
