import type { Command } from 'commander';
import { setUpVoiceWebhook } from '../voice/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';

async function setUpVoice(context: AdminContext, options: { number: string }): Promise<void> {
  const voice = context.config.voice;
  if (!voice) throw new Error('Phone calls are off: set TWILIO_VOICE=true with the TWILIO_* account settings, TWILIO_AUTH_TOKEN and PUBLIC_URL.');
  if (!/^\+[1-9]\d{6,14}$/.test(options.number)) throw new Error('--number must be an E.164 number such as +15551234567.');
  (await setUpVoiceWebhook(voice, options.number)).forEach((line) => context.io.out(line));
}

/** twilio:voice-setup: calls to the number reach this app. */
export const voiceCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('twilio:voice-setup')
      .description("point a Twilio phone number's incoming-call webhook and call status callback at PUBLIC_URL (phone callers)")
      .requiredOption('--number <e164>', 'the number callers phone, e.g. +15551234567')
      .action((options: { number: string }) => setUpVoice(context, options));
  },
};
