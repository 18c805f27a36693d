import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { projectRoot } from '../../src/lib/paths.js';
import type { Context } from 'openapi-backend';
import { openApiBackend } from './openapi/openapi-backend.js';
import { twilioSignature, type WebhookParams } from './twilio-webhooks.js';

/**
 * A stand-in for Twilio Programmable Messaging (the 2010 API's Messages and IncomingPhoneNumbers)
 * and for the phones on the other side: every request is routed and validated by openapi-backend
 * against `../shared/specs/twilio_api_v2010.json`; messages it accepts are recorded; the phone's texts
 * (`text`) and Twilio's status callbacks (`report`) are sent to the app signed like Twilio signs.
 * Other paths (Conversations) can be forwarded to the Conversations fake, so the app sees one
 * Twilio at one base URL as it does in production.
 */
type Json = Record<string, unknown>;
type Form = Record<string, string | string[] | undefined>;

export interface SentMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

export interface FakeNumber {
  sid: string;
  phoneNumber: string;
  smsUrl: string | null;
  smsMethod: string;
  voiceUrl: string | null;
  voiceMethod: string;
  statusCallback: string | null;
}

/** One `UpdateCall` the API accepted (validated against the 2010 description first). */
export interface CallUpdate {
  callSid: string;
  twiml: string | null;
  url: string | null;
  status: string | null;
}

export interface InboundText {
  from: string;
  to: string;
  body: string;
  media?: { url: string; contentType: string }[];
}

export const twilioApiV2010SpecPath = (): string => join(projectRoot, '..', 'shared', 'specs', 'twilio_api_v2010.json');

const newSid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const errorBody = (status: number, code: number, message: string): Json => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export interface MessagingFakeOptions {
  accountSid?: string;
  apiKeySid?: string;
  apiKeySecret?: string;
  authToken?: string;
  /** Where requests outside the 2010 API go (the Conversations fake's URL). */
  forwardTo?: string;
  /** Called as each message is accepted (benchmarks time it). */
  onSent?: (message: SentMessage) => void;
  /** Called as each call update is accepted (benchmarks time it). */
  onCallUpdate?: (update: CallUpdate) => void;
}

function messageJson(accountSid: string, m: SentMessage): Json {
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return {
    account_sid: accountSid, api_version: '2010-04-01', body: m.body, date_created: date, date_sent: null, date_updated: date,
    direction: 'outbound-api', error_code: null, error_message: null, from: m.from, messaging_service_sid: m.messagingServiceSid,
    num_media: '0', num_segments: '1', price: null, price_unit: 'USD', sid: m.sid, status: 'queued', to: m.to,
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
  };
}

function numberJson(accountSid: string, n: FakeNumber): Json {
  return {
    account_sid: accountSid, sid: n.sid, phone_number: n.phoneNumber, friendly_name: n.phoneNumber, sms_url: n.smsUrl, sms_method: n.smsMethod,
    voice_url: n.voiceUrl, voice_method: n.voiceMethod, status_callback: n.statusCallback, status_callback_method: 'POST',
    api_version: '2010-04-01', capabilities: { sms: true, mms: true, voice: true, fax: false }, status: 'in-use', origin: 'twilio',
    uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
  };
}

type Reply = { status: number; body: Json };

/** What the fake holds, and its answer to each operation it implements, by operationId. */
interface FakeState {
  accountSid: string;
  sent: SentMessage[];
  numbers: FakeNumber[];
  updates: string[];
  refusals: Map<string, number>;
  callUpdates: CallUpdate[];
  onSent?: (message: SentMessage) => void;
  onCallUpdate?: (update: CallUpdate) => void;
}

function createMessage(state: FakeState, body: Form): Reply {
  const to = one(body.To) ?? '';
  const from = one(body.From) ?? null;
  const messagingServiceSid = one(body.MessagingServiceSid) ?? null;
  if (!from && !messagingServiceSid) return { status: 400, body: errorBody(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required") };
  if (from && to.startsWith('whatsapp:') !== from.startsWith('whatsapp:')) return { status: 400, body: errorBody(400, 21910, 'Invalid From and To pair') };
  const refusal = state.refusals.get(to);
  if (refusal !== undefined) {
    state.refusals.delete(to);
    return { status: 400, body: errorBody(400, refusal, `refused (injected ${refusal})`) };
  }
  const message: SentMessage = { sid: newSid('SM'), to, from, messagingServiceSid, body: one(body.Body) ?? '', statusCallback: one(body.StatusCallback) ?? null };
  state.sent.push(message);
  state.onSent?.(message);
  return { status: 201, body: messageJson(state.accountSid, message) };
}

function listNumbers(state: FakeState, query: Form): Reply {
  const wanted = one(query.PhoneNumber);
  const items = state.numbers.filter((n) => !wanted || n.phoneNumber === wanted).map((n) => numberJson(state.accountSid, n));
  const uri = `/2010-04-01/Accounts/${state.accountSid}/IncomingPhoneNumbers.json`;
  return { status: 200, body: { incoming_phone_numbers: items, page: 0, page_size: 50, start: 0, end: items.length, uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null } };
}

function updateNumber(state: FakeState, sid: string | undefined, body: Form): Reply {
  state.updates.push('UpdateIncomingPhoneNumber');
  const found = state.numbers.find((n) => n.sid === sid);
  if (!found) return { status: 404, body: errorBody(404, 20404, 'number not found') };
  found.smsUrl = one(body.SmsUrl) ?? found.smsUrl;
  found.smsMethod = one(body.SmsMethod) ?? found.smsMethod;
  found.voiceUrl = one(body.VoiceUrl) ?? found.voiceUrl;
  found.voiceMethod = one(body.VoiceMethod) ?? found.voiceMethod;
  found.statusCallback = one(body.StatusCallback) ?? found.statusCallback;
  return { status: 200, body: numberJson(state.accountSid, found) };
}

function updateCall(state: FakeState, callSid: string, body: Form): Reply {
  const update: CallUpdate = { callSid, twiml: one(body.Twiml) ?? null, url: one(body.Url) ?? null, status: one(body.Status) ?? null };
  state.callUpdates.push(update);
  state.onCallUpdate?.(update);
  const date = new Date().toUTCString().replace('GMT', '+0000');
  return {
    status: 200,
    body: {
      sid: callSid, account_sid: state.accountSid, status: update.status ?? 'in-progress', direction: 'inbound', api_version: '2010-04-01',
      date_created: date, date_updated: date, uri: `/2010-04-01/Accounts/${state.accountSid}/Calls/${callSid}.json`,
    },
  };
}

/** Routing by operationId and validation against the 2010 description (openapi-backend). */
async function twilioApi(state: FakeState) {
  const reply = (res: express.Response, { status, body }: Reply) => void res.status(status).json(body);
  const ofAccount = (context: Context, res: express.Response, answer: () => Reply) =>
    context.request.params.AccountSid === state.accountSid ? reply(res, answer()) : reply(res, { status: 404, body: errorBody(404, 20404, 'Account not found') });
  const form = (context: Context) => (context.request.requestBody ?? {}) as Form;
  return openApiBackend(twilioApiV2010SpecPath(), {
    CreateMessage: (context, res: express.Response) => ofAccount(context, res, () => createMessage(state, form(context))),
    ListIncomingPhoneNumber: (context, res: express.Response) => ofAccount(context, res, () => listNumbers(state, context.request.query as Form)),
    UpdateIncomingPhoneNumber: (context, res: express.Response) =>
      ofAccount(context, res, () => updateNumber(state, String(context.request.params.Sid), form(context))),
    UpdateCall: (context, res: express.Response) => ofAccount(context, res, () => updateCall(state, String(context.request.params.Sid), form(context))),
    validationFail: (context, res: express.Response) => {
      const errors = (context.validation.errors ?? []).map((error) => `${error.instancePath || 'request'}: ${error.message ?? 'is invalid'}`);
      res.status(400).json({ ...errorBody(400, 21000, errors.join('; ')), errors });
    },
    notFound: (_context, res: express.Response) => reply(res, { status: 404, body: errorBody(404, 20404, 'not a path of the 2010 API') }),
    methodNotAllowed: (_context, res: express.Response) => reply(res, { status: 405, body: errorBody(405, 20004, 'Method not allowed') }),
    notImplemented: (context, res: express.Response) => reply(res, { status: 501, body: errorBody(501, 0, `the fake does not implement ${context.operation.operationId}`) }),
  });
}

async function forward(req: express.Request, res: express.Response, target: string): Promise<void> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host'));
  const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await new Promise<Buffer>((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => done(Buffer.concat(chunks)));
  });
  const answer = await fetch(new URL(req.originalUrl, target), { method: req.method, headers, body });
  res.status(answer.status).type(answer.headers.get('content-type') ?? 'application/json').send(Buffer.from(await answer.arrayBuffer()));
}

export async function startTwilioMessagingFake(options: MessagingFakeOptions = {}) {
  const accountSid = options.accountSid ?? newSid('AC');
  const apiKeySid = options.apiKeySid ?? newSid('SK');
  const apiKeySecret = options.apiKeySecret ?? randomBytes(16).toString('hex');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const sent: SentMessage[] = [];
  const numbers: FakeNumber[] = [];
  const updates: string[] = [];
  const callUpdates: CallUpdate[] = [];
  /** Recipients whose next message the API refuses with this Twilio error code. */
  const refusals = new Map<string, number>();
  const target: { app?: string; publicUrl?: string } = {};

  const app = express();
  app.use((req, res, next) => {
    if (!req.path.startsWith('/2010-04-01/')) {
      if (options.forwardTo) return void forward(req, res, options.forwardTo).catch(next);
      return void res.status(404).json(errorBody(404, 20404, 'not a path of the 2010 API'));
    }
    const expected = `Basic ${Buffer.from(`${apiKeySid}:${apiKeySecret}`).toString('base64')}`;
    if (req.get('authorization') === expected) return next();
    res.status(401).json(errorBody(401, 20003, 'Authenticate'));
  });
  const api = await twilioApi({ accountSid, sent, numbers, updates, refusals, callUpdates, onSent: options.onSent, onCallUpdate: options.onCallUpdate });
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use((req, res, next) => {
    const request = { method: req.method, path: req.path, query: req.query as Record<string, string | string[]>, headers: req.headers as Record<string, string | string[]>, body: req.body as unknown };
    api.handleRequest(request, res).catch(next);
  });

  async function post(url: string, signedUrl: string, params: WebhookParams, signature?: string | null) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
    const signed = signature === undefined ? twilioSignature(authToken, signedUrl, params) : signature;
    if (signed !== null) headers['x-twilio-signature'] = signed;
    const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    return { status: response.status, text: await response.text(), outcome: response.headers.get('x-parley-outcome') };
  }

  function inboundParams(text: InboundText): WebhookParams {
    const sid = newSid('SM');
    const params: WebhookParams = {
      MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: text.from, To: text.to, Body: text.body,
      NumMedia: String(text.media?.length ?? 0), NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01',
    };
    text.media?.forEach((item, index) => {
      params[`MediaUrl${index}`] = item.url;
      params[`MediaContentType${index}`] = item.contentType;
    });
    if (text.from.startsWith('whatsapp:')) Object.assign(params, { ProfileName: 'Customer', WaId: text.from.replace(/\D/g, '') });
    return params;
  }

  const server = await new Promise<Server>((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const requireTarget = () => {
    if (!target.app || !target.publicUrl) throw new Error('deliverTo() first');
    return { app: target.app, publicUrl: target.publicUrl };
  };
  return {
    url, accountSid, apiKeySid, apiKeySecret, authToken,
    /** Every message the Messages API accepted, in order. */
    sent,
    /** The account's phone numbers, and every update call made to them. */
    numbers,
    numberUpdates: updates,
    addNumber(phoneNumber: string): FakeNumber {
      const added: FakeNumber = { sid: newSid('PN'), phoneNumber, smsUrl: null, smsMethod: 'POST', voiceUrl: null, voiceMethod: 'POST', statusCallback: null };
      numbers.push(added);
      return added;
    },
    /** The app's real address, and the PUBLIC_URL Twilio signs for. */
    deliverTo(appUrl: string, publicUrl: string) {
      target.app = appUrl;
      target.publicUrl = publicUrl;
    },
    /** Every call update (`calls(sid).update`) the API accepted, in order. */
    callUpdates,
    /**
     * Twilio requests one of the app's webhooks (a voice webhook, a TwiML action or redirect):
     * `url` is the absolute PUBLIC_URL address Twilio was given, signed as Twilio signs it
     * (or with the given signature; null for none).
     */
    async webhook(url: string, params: WebhookParams, signature?: string | null) {
      const { app: appUrl, publicUrl } = requireTarget();
      const absolute = url.startsWith('http') ? url : `${publicUrl}${url}`;
      const target = new URL(absolute);
      return post(`${appUrl}${target.pathname}${target.search}`, absolute, params, signature);
    },
    /** The next message to this address is refused by the API with this error code (21610, 21211…). */
    refuseNext(to: string, code: number) {
      refusals.set(to, code);
    },
    /** The phone sends a text: Twilio's inbound webhook, signed (or with the given signature; null for none). */
    async text(text: InboundText, signature?: string | null) {
      const params = inboundParams(text);
      const { app: appUrl, publicUrl } = requireTarget();
      return { params, ...(await post(`${appUrl}/webhooks/twilio/messaging`, `${publicUrl}/webhooks/twilio/messaging`, params, signature)) };
    },
    /** Twilio sends the same inbound webhook again. */
    async redeliver(params: WebhookParams) {
      const { app: appUrl, publicUrl } = requireTarget();
      return post(`${appUrl}/webhooks/twilio/messaging`, `${publicUrl}/webhooks/twilio/messaging`, params);
    },
    /** Twilio's status callback for a sent message, signed for the StatusCallback URL it was given. */
    async report(message: SentMessage, status: string, errorCode?: number, signature?: string | null) {
      if (!message.statusCallback) throw new Error('the message had no StatusCallback');
      const { app: appUrl } = requireTarget();
      const params: WebhookParams = {
        MessageSid: message.sid, SmsSid: message.sid, MessageStatus: status, SmsStatus: status, AccountSid: accountSid,
        To: message.to, From: message.from ?? '', ApiVersion: '2010-04-01',
      };
      if (errorCode !== undefined) params.ErrorCode = String(errorCode);
      const path = new URL(message.statusCallback).pathname;
      return post(`${appUrl}${path}`, message.statusCallback, params, signature);
    },
    /** TWILIO_* settings pointing the app at this fake, with SMS and WhatsApp on. */
    env(publicUrl: string): NodeJS.ProcessEnv {
      return {
        TWILIO_ACCOUNT_SID: accountSid, TWILIO_API_KEY_SID: apiKeySid, TWILIO_API_KEY_SECRET: apiKeySecret,
        TWILIO_AUTH_TOKEN: authToken, PUBLIC_URL: publicUrl, TWILIO_API_BASE_URL: url, TWILIO_MESSAGING: 'true',
      };
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type TwilioMessagingFake = Awaited<ReturnType<typeof startTwilioMessagingFake>>;
