import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminRuntime, buildAdminProgram } from '../../src/admin/program.js';
import { messagingCommands } from '../../src/admin/messaging.commands.js';
import { testConfig } from '../support/app.js';
import { startTwilioMessagingFake, type TwilioMessagingFake } from '../support/twilio-messaging-server.js';
import { PUBLIC_URL, SUPPORT_NUMBER } from './phone-harness.js';

let fake: TwilioMessagingFake;
beforeAll(async () => {
  fake = await startTwilioMessagingFake();
});
afterAll(async () => fake.close());

/** `npm run admin -- <args>` in process, against the local Twilio; answers what it printed. */
async function admin(args: string[], env: NodeJS.ProcessEnv = fake.env(PUBLIC_URL)): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), error: (line: string) => lines.push(line), readSecret: async () => '' };
  const runtime = createAdminRuntime(testConfig(env), io, async () => ({ description: 'no database', close: async () => undefined }));
  await buildAdminProgram(runtime.context, [messagingCommands]).exitOverride().parseAsync(['node', 'admin', ...args]);
  return lines;
}

describe('twilio:messaging-setup', () => {
  it('when run for a number of the account, then its incoming-message webhook points at PUBLIC_URL, and a second run changes nothing', async () => {
    const number = fake.addNumber(SUPPORT_NUMBER);
    expect(await admin(['twilio:messaging-setup', '--number', SUPPORT_NUMBER])).toEqual([
      `number ${SUPPORT_NUMBER}: incoming messages now go to ${PUBLIC_URL}/webhooks/twilio/messaging`,
    ]);
    expect([number.smsUrl, number.smsMethod]).toEqual([`${PUBLIC_URL}/webhooks/twilio/messaging`, 'POST']);
    expect(await admin(['twilio:messaging-setup', '--number', SUPPORT_NUMBER])).toEqual([
      `number ${SUPPORT_NUMBER}: incoming messages already go to ${PUBLIC_URL}/webhooks/twilio/messaging`,
    ]);
    expect(fake.numberUpdates).toEqual(['UpdateIncomingPhoneNumber']);
  });

  it('when the number is not on the account or messaging is off, then it says so', async () => {
    await expect(admin(['twilio:messaging-setup', '--number', '+15559990000'])).rejects.toThrow(/has no number \+15559990000/);
    await expect(admin(['twilio:messaging-setup', '--number', SUPPORT_NUMBER], {})).rejects.toThrow(/TWILIO_MESSAGING=true/);
  });
});

describe('the local Twilio Messages API', () => {
  const createMessage = (form: Record<string, string>, accountSid = fake.accountSid) =>
    fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fake.apiKeySid}:${fake.apiKeySecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('when a request breaks the 2010 description (unknown or missing parameter, bad account sid), then it answers 400 and sends nothing', async () => {
    const before = fake.sent.length;
    expect((await createMessage({ To: '+15551230000', From: SUPPORT_NUMBER, Body: 'x', Bogus: '1' })).status).toBe(400);
    expect((await createMessage({ From: SUPPORT_NUMBER, Body: 'x' })).status).toBe(400);
    expect((await createMessage({ To: '+15551230000', From: SUPPORT_NUMBER, Body: 'x' }, 'AC123')).status).toBe(400);
    expect((await createMessage({ To: '+15551230000', From: SUPPORT_NUMBER, Body: 'x' })).status).toBe(201);
    expect(fake.sent.length).toBe(before + 1);
  });
});
