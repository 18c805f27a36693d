import type { Command } from 'commander';
import { setUpNumberWebhook } from '../messaging-channel/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';

async function setUpMessaging(context: AdminContext, options: { number: string }): Promise<void> {
  const messaging = context.config.messaging;
  if (!messaging) throw new Error('SMS and WhatsApp are off: set TWILIO_MESSAGING=true with the TWILIO_* account settings, TWILIO_AUTH_TOKEN and PUBLIC_URL.');
  if (!/^\+[1-9]\d{6,14}$/.test(options.number)) throw new Error('--number must be an E.164 number such as +15551234567.');
  (await setUpNumberWebhook(messaging, options.number)).forEach((line) => context.io.out(line));
}

/** twilio:messaging-setup: the number customers text reaches this app. */
export const messagingCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('twilio:messaging-setup')
      .description("point a Twilio phone number's incoming-message webhook at PUBLIC_URL (SMS and WhatsApp customers)")
      .requiredOption('--number <e164>', 'the number customers text, e.g. +15551234567')
      .action((options: { number: string }) => setUpMessaging(context, options));
  },
};
