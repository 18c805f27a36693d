import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { Composition } from '../../src/composition.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { startDeeplServer, type DeeplServer } from '../support/deepl-server.js';
import { startTwilioMessagingFake, type TwilioMessagingFake } from '../support/twilio-messaging-server.js';
import type { WebhookParams } from '../support/twilio-webhooks.js';

export const PUBLIC_URL = 'https://support.parley.test';
export const SUPPORT_NUMBER = '+15550002222';

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;
export const newCaller = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

export interface VoiceHarness {
  composition: Composition;
  twilio: TwilioMessagingFake;
  deepl: DeeplServer;
  baseUrl: string;
  rep: TestAccount;
  repAgent: TestAgent;
  close(): Promise<void>;
}

/**
 * The app on a real port with phone calls on (built-in chat transport), DeepL local, and the
 * local Twilio 2010 API playing Twilio: it signs the voice webhooks and takes the call updates.
 */
export async function startVoiceHarness(env: NodeJS.ProcessEnv = {}, options: { beforeWarm?: (deepl: DeeplServer) => void } = {}): Promise<VoiceHarness> {
  const deepl = await startDeeplServer();
  const twilio = await startTwilioMessagingFake();
  const config = testConfig({
    ...twilio.env(PUBLIC_URL), TWILIO_MESSAGING: 'false', TWILIO_VOICE: 'true', MESSAGE_TRANSPORT: 'builtin',
    VOICE_LANGUAGES: 'EN-US,ES,FR', VOICE_MAX_WAIT_SECONDS: '10', DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', ...env,
  });
  const composition = composeTestApp({ config });
  const server: Server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  twilio.deliverTo(baseUrl, PUBLIC_URL);
  options.beforeWarm?.(deepl);
  await composition.voice?.warm();
  const rep = await createRep({ language: 'EN-US' });
  const repAgent = await loginAgent(composition.app, { role: 'rep', ...rep });
  return {
    composition, twilio, deepl, baseUrl, rep, repAgent,
    async close() {
      await realtime.close();
      await closeServer(server, 500);
      await Promise.all([twilio.close(), deepl.close()]);
    },
  };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: 'text', isArray: (name) => ['Say', 'Gather', 'Redirect', 'Pause', 'Record', 'Hangup'].includes(name) });

export interface TwimlNode {
  text?: string;
  [attribute: string]: string | TwimlNode[] | undefined;
}

/** TwiML as XML: each verb a list of nodes with their attributes (and `text`). */
export function parseTwiml(xml: string): Record<string, TwimlNode[] | undefined> {
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response/);
  const parsed = parser.parse(xml) as { Response: Record<string, TwimlNode[]> | '' };
  return parsed.Response === '' ? {} : parsed.Response;
}

export const says = (nodes: TwimlNode[] | undefined) => (nodes ?? []).map((node) => ({ language: node.language, voice: node.voice, text: node.text }));

/** Twilio's call in progress: the webhooks it sends, and following the TwiML it got. */
export function phoneCall(harness: VoiceHarness, from = newCaller()) {
  const sid = newCallSid();
  const base = (): WebhookParams => ({ CallSid: sid, AccountSid: harness.twilio.accountSid, From: from, To: SUPPORT_NUMBER, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01' });
  return {
    sid, from,
    /** The number rings: the incoming-call webhook. */
    ring: () => harness.twilio.webhook(`${PUBLIC_URL}/webhooks/twilio/voice`, { ...base(), CallStatus: 'ringing' }),
    /** Twilio requests a URL the TwiML named (an action or a redirect), with these fields. */
    follow: (url: string, params: WebhookParams = {}) => harness.twilio.webhook(url, { ...base(), ...params }),
    status: (status: string, duration?: number) =>
      harness.twilio.webhook(`${PUBLIC_URL}/webhooks/twilio/voice/status`, { ...base(), CallStatus: status, ...(duration === undefined ? {} : { CallDuration: String(duration) }) }),
  };
}

/** A new caller rings and presses 2 (Spanish): the call, and the speech Gather's TwiML it got. */
export async function callInSpanish(harness: VoiceHarness) {
  const call = phoneCall(harness);
  const menu = parseTwiml((await call.ring()).text);
  const chosen = await call.follow(menu.Gather?.[0]?.action as string, { Digits: '2' });
  expect(chosen.status).toBe(200);
  return { call, twiml: parseTwiml(chosen.text) };
}

export { dashboardRows, dashboardSocket } from '../messaging-channel/phone-harness.js';

/** The rep answers over the normal chat API; waits until the answer reached Twilio. */
export async function repSends(harness: VoiceHarness, conversationId: string, body: string) {
  const res = await harness.repAgent
    .post(`/api/conversations/${conversationId}/messages`)
    .set('x-csrf-token', await csrfToken(harness.repAgent))
    .set('Accept', 'application/json')
    .send({ clientId: `rep-${crypto.randomUUID()}`, body });
  await harness.composition.voice?.idle();
  return res;
}
