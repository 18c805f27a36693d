import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminRuntime, buildAdminProgram } from '../../src/admin/program.js';
import { voiceCommands } from '../../src/admin/voice.commands.js';
import { testConfig } from '../support/app.js';
import { startTwilioMessagingFake, type TwilioMessagingFake } from '../support/twilio-messaging-server.js';
import { newCallSid, PUBLIC_URL, SUPPORT_NUMBER } from './voice-harness.js';

let fake: TwilioMessagingFake;
beforeAll(async () => {
  fake = await startTwilioMessagingFake();
});
afterAll(async () => fake.close());

const voiceEnv = () => ({ ...fake.env(PUBLIC_URL), TWILIO_MESSAGING: 'false', TWILIO_VOICE: 'true' });

/** `npm run admin -- <args>` in process, against the local Twilio; answers what it printed. */
async function admin(args: string[], env: NodeJS.ProcessEnv = voiceEnv()): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), error: (line: string) => lines.push(line), readSecret: async () => '' };
  const runtime = createAdminRuntime(testConfig(env), io, async () => ({ description: 'no database', close: async () => undefined }));
  await buildAdminProgram(runtime.context, [voiceCommands]).exitOverride().parseAsync(['node', 'admin', ...args]);
  return lines;
}

describe('twilio:voice-setup', () => {
  it('when run for a number of the account, then its incoming-call webhook and status callback point at PUBLIC_URL, and a second run changes nothing', async () => {
    const number = fake.addNumber(SUPPORT_NUMBER);
    const incoming = `${PUBLIC_URL}/webhooks/twilio/voice`;
    const status = `${PUBLIC_URL}/webhooks/twilio/voice/status`;
    expect(await admin(['twilio:voice-setup', '--number', SUPPORT_NUMBER])).toEqual([`number ${SUPPORT_NUMBER}: calls now go to ${incoming} (status callbacks to ${status})`]);
    expect([number.voiceUrl, number.voiceMethod, number.statusCallback]).toEqual([incoming, 'POST', status]);
    expect(await admin(['twilio:voice-setup', '--number', SUPPORT_NUMBER])).toEqual([`number ${SUPPORT_NUMBER}: calls already go to ${incoming}`]);
    expect(fake.numberUpdates).toEqual(['UpdateIncomingPhoneNumber']);
  });

  it('when the number is not on the account or calls are off, then it says so', async () => {
    await expect(admin(['twilio:voice-setup', '--number', '+15559990000'])).rejects.toThrow(/has no number \+15559990000/);
    await expect(admin(['twilio:voice-setup', '--number', SUPPORT_NUMBER], fake.env(PUBLIC_URL))).rejects.toThrow(/TWILIO_VOICE=true/);
  });
});

describe('the local Twilio Calls API', () => {
  const updateCall = (form: Record<string, string>, sid = newCallSid()) =>
    fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Calls/${sid}.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fake.apiKeySid}:${fake.apiKeySecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('when a call update breaks the 2010 description (unknown parameter, bad method), then it answers 400 and records nothing', async () => {
    const before = fake.callUpdates.length;
    expect((await updateCall({ Twiml: '<Response/>', Bogus: '1' })).status).toBe(400);
    expect((await updateCall({ Url: 'https://example.com/x', Method: 'PUT' })).status).toBe(400);
    expect(fake.callUpdates.length).toBe(before);
    expect((await updateCall({ Twiml: '<Response><Hangup/></Response>' })).status).toBe(200);
    expect(fake.callUpdates.length).toBe(before + 1);
  });
});
