import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { DashboardRows } from '../../client/chat/dashboard-rows.js';
import { expect } from 'vitest';
import type { Composition } from '../../src/composition.js';
import type { ConversationSummary } from '../../src/contract/chat.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { connected, sessionCookie, type ChatSocket } from '../realtime/socket-harness.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { startDeeplServer, type DeeplServer } from '../support/deepl-server.js';
import { startTwilioMessagingFake, type TwilioMessagingFake } from '../support/twilio-messaging-server.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

export const PUBLIC_URL = 'https://support.parley.test';
export const SUPPORT_NUMBER = '+15550001111';
export const WHATSAPP_SENDER = 'whatsapp:+14155238886';

export type TransportName = 'builtin' | 'twilio';

/** A phone number nobody used yet in this run. */
export function newNumber(): string {
  return `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
}

export interface PhoneHarness {
  composition: Composition;
  messaging: TwilioMessagingFake;
  conversationsFake: TwilioFake | undefined;
  deepl: DeeplServer;
  baseUrl: string;
  rep: TestAccount;
  repAgent: TestAgent;
  close(): Promise<void>;
}

/**
 * The app on a real port with SMS and WhatsApp on, DeepL local, and either the built-in transport
 * (MESSAGE_TRANSPORT=builtin, Twilio's account for messaging only) or Twilio Conversations (both
 * fakes behind one base URL, as Twilio's products share one account).
 */
export async function startPhoneHarness(transport: TransportName, env: NodeJS.ProcessEnv = {}): Promise<PhoneHarness> {
  const deepl = await startDeeplServer();
  const conversationsFake = transport === 'twilio' ? await startTwilioFake() : undefined;
  const messaging = await startTwilioMessagingFake(
    conversationsFake
      ? { accountSid: conversationsFake.accountSid, apiKeySid: conversationsFake.apiKeySid, apiKeySecret: conversationsFake.apiKeySecret, authToken: conversationsFake.authToken, forwardTo: conversationsFake.url }
      : {},
  );
  const transportEnv = conversationsFake
    ? { ...conversationsFake.env({ publicUrl: PUBLIC_URL }), ...messaging.env(PUBLIC_URL) }
    : { ...messaging.env(PUBLIC_URL), MESSAGE_TRANSPORT: 'builtin' };
  const config = testConfig({ ...transportEnv, DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', ...env });
  const composition = composeTestApp({ config });
  const server: Server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  messaging.deliverTo(baseUrl, PUBLIC_URL);
  conversationsFake?.webhooks.deliverTo(`${baseUrl}/webhooks/twilio/conversations`, `${PUBLIC_URL}/webhooks/twilio/conversations`);
  // Twilio gets its answer first and the work follows: tests look once the work is done.
  const settled = <A extends unknown[], R>(send: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const answer = await send(...args);
    await composition.phones?.idle();
    return answer;
  };
  const phones = { ...messaging, text: settled(messaging.text), redeliver: settled(messaging.redeliver), report: settled(messaging.report) };
  const rep = await createRep({ language: 'EN-US' });
  const repAgent = await loginAgent(composition.app, { role: 'rep', ...rep });
  return {
    composition, messaging: phones, conversationsFake, deepl, baseUrl, rep, repAgent,
    async close() {
      await realtime.close();
      await closeServer(server, 500);
      await Promise.all([messaging.close(), deepl.close(), conversationsFake?.close()]);
    },
  };
}

/** What a rep's side of a harness has (the phone and the voice harnesses alike). */
export type RepSide = Pick<PhoneHarness, 'composition' | 'baseUrl' | 'rep' | 'repAgent'>;

export async function dashboardRows(harness: Pick<RepSide, 'repAgent'>): Promise<ConversationSummary[]> {
  const res = await harness.repAgent.get('/api/conversations').set('Accept', 'application/json');
  expect(res.status).toBe(200);
  return res.body.conversations as ConversationSummary[];
}

/** A rep's dashboard socket, collecting new and changed rows. */
export async function dashboardSocket(harness: RepSide): Promise<{ socket: ChatSocket; created: ConversationSummary[]; updated: ConversationSummary[] }> {
  const socket: ChatSocket = connect(harness.baseUrl, {
    transports: ['websocket'],
    extraHeaders: { cookie: await sessionCookie(harness.composition.app, 'rep', harness.rep), origin: harness.baseUrl },
    forceNew: true,
    reconnection: false,
  });
  await connected(socket);
  const created: ConversationSummary[] = [];
  const updated: ConversationSummary[] = [];
  // Rows kept as the page keeps them: activity merged into held rows, missing rows asked for.
  const rows = new DashboardRows({
    viewerId: harness.rep.user.id,
    fetch: async (ids) => {
      const answer = await socket.emitWithAck('dashboard:rows', { ids });
      return answer.ok ? answer.conversations : [];
    },
    onRow: (summary) => updated.push(summary),
  });
  socket.on('conversation:created', (summary) => {
    rows.hold([summary]);
    created.push(summary);
  });
  socket.on('conversations:updated', (update) => rows.receive(update));
  const subscribed = await socket.emitWithAck('dashboard:subscribe');
  expect(subscribed).toMatchObject({ ok: true });
  if (subscribed.ok) rows.hold(subscribed.conversations);
  return { socket, created, updated };
}

/** The rep answers over the normal chat API; answers the HTTP status and body. */
export async function repSends(harness: PhoneHarness, conversationId: string, body: string) {
  const res = await harness.repAgent
    .post(`/api/conversations/${conversationId}/messages`)
    .set('x-csrf-token', await csrfToken(harness.repAgent))
    .set('Accept', 'application/json')
    .send({ clientId: `rep-${crypto.randomUUID()}`, body });
  await harness.composition.phones?.idle();
  return res;
}

/** What the rep's page learns about a phone conversation. */
export async function channelInfo(harness: PhoneHarness, conversationId: string) {
  const res = await harness.repAgent.get(`/api/messaging/conversations/${conversationId}`).set('Accept', 'application/json');
  expect(res.status).toBe(200);
  return res.body as {
    customer: { name: string; channel: string; language: string; languageSource: string; optedOut: boolean; note: string | null };
    deliveries: Record<string, { status: string; sentBody: string; untranslated: boolean; segments: number; errorCode: number | null; note: string | null }>;
  };
}
