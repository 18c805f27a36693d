import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { rejectRequestsOutsideSpec, type SpecMatch } from './openapi/express.js';
import { loadSpecValidator, twilioConversationsSpecPath } from './openapi/spec-validator.js';
import { WebhookSender, type WebhookParams } from './twilio-webhooks.js';

/**
 * A stateful stand-in for Twilio Conversations (service-scoped resources, roles, configuration),
 * answering with the shapes of `../shared/specs/twilio_conversations_v1.json`. Every request first
 * passes the spec validator, so a request the real API would refuse is refused here too.
 */
type Json = Record<string, unknown>;
type Form = Record<string, string | string[] | undefined>;
type Reply = { status: number; body?: Json };
type Handler = (params: Record<string, string>, body: Form, query: Form, headers: Record<string, string | string[] | undefined>) => Reply;

export interface FakeConversation { sid: string; uniqueName: string | null; friendlyName: string | null; state: string; attributes: string; created: string }
export interface FakeParticipant { sid: string; identity: string; roleSid: string | null; created: string }
export interface FakeMessage { sid: string; index: number; author: string; body: string; attributes: string; created: string }
export interface FakeRole { sid: string; friendlyName: string; type: string; permissions: string[]; created: string; updated: string }
export interface RequestLogEntry { method: string; path: string; operationId: string | undefined; status: number; body: unknown; response: Json | undefined }
/** An injected failure: `before` answers without changing state, `after` changes state and then fails. */
export interface Fault { status?: number; when: 'before' | 'after' }

export class TwilioFakeError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

const origin = 'https://conversations.twilio.com';
const newSid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const many = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const notFound = (what: string | undefined) => new TwilioFakeError(404, 20404, `The requested resource ${what} was not found`);

/** The fake's data and how each resource looks on the wire. */
class FakeTwilioState {
  readonly authToken = randomBytes(16).toString('hex');
  readonly webhooks = new WebhookSender(this.authToken);
  readonly accountSid = newSid('AC');
  readonly serviceSid = newSid('IS');
  readonly conversations = new Map<string, FakeConversation>();
  readonly participants = new Map<string, FakeParticipant[]>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly roles = new Map<string, FakeRole>();
  readonly serviceConfiguration: Record<'creator' | 'conversation' | 'service', string | null> = { creator: null, conversation: null, service: null };
  readonly servicePath = `/v1/Services/${this.serviceSid}`;

  findConversation(sidOrUniqueName: string | undefined): FakeConversation {
    const found = [...this.conversations.values()].find((c) => c.sid === sidOrUniqueName || c.uniqueName === sidOrUniqueName);
    if (!found) throw notFound(sidOrUniqueName);
    return found;
  }

  addMessage(c: FakeConversation, author: string, body: string, attributes: string): FakeMessage {
    const list = this.messages.get(c.sid) ?? [];
    const m: FakeMessage = { sid: newSid('IM'), index: list.length, author, body, attributes, created: now() };
    this.messages.set(c.sid, [...list, m]);
    return m;
  }

  findRole(sid: string | undefined): FakeRole {
    const found = sid ? this.roles.get(sid) : undefined;
    if (!found) throw notFound(sid);
    return found;
  }

  private url(c: FakeConversation): string {
    return `${origin}${this.servicePath}/Conversations/${c.sid}`;
  }

  conversationJson(c: FakeConversation): Json {
    const url = this.url(c);
    return {
      account_sid: this.accountSid, chat_service_sid: this.serviceSid, messaging_service_sid: null, sid: c.sid,
      friendly_name: c.friendlyName, unique_name: c.uniqueName, attributes: c.attributes, state: c.state,
      date_created: c.created, date_updated: c.created, timers: {}, url, bindings: null,
      links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
    };
  }

  participantJson(c: FakeConversation, p: FakeParticipant): Json {
    return {
      account_sid: this.accountSid, chat_service_sid: this.serviceSid, conversation_sid: c.sid, sid: p.sid, identity: p.identity,
      attributes: '{}', messaging_binding: null, role_sid: p.roleSid, date_created: p.created, date_updated: p.created,
      url: `${this.url(c)}/Participants/${p.sid}`, last_read_message_index: null, last_read_timestamp: null,
    };
  }

  messageJson(c: FakeConversation, m: FakeMessage): Json {
    return {
      account_sid: this.accountSid, chat_service_sid: this.serviceSid, conversation_sid: c.sid, sid: m.sid, index: m.index,
      author: m.author, body: m.body, media: null, attributes: m.attributes, content_sid: null, delivery: null,
      participant_sid: this.participants.get(c.sid)?.find((p) => p.identity === m.author)?.sid ?? null,
      date_created: m.created, date_updated: m.created, url: `${this.url(c)}/Messages/${m.sid}`,
      links: { delivery_receipts: `${this.url(c)}/Messages/${m.sid}/Receipts` },
    };
  }

  /** Twilio's post-event webhook for a message, as it sends it for every source. */
  messageAdded(c: FakeConversation, m: FakeMessage, source: 'API' | 'SDK'): void {
    const participant = this.participants.get(c.sid)?.find((p) => p.identity === m.author);
    const params: WebhookParams = {
      EventType: 'onMessageAdded', AccountSid: this.accountSid, ChatServiceSid: this.serviceSid, ConversationSid: c.sid,
      MessageSid: m.sid, Index: String(m.index), Author: m.author, Body: m.body, Attributes: m.attributes,
      DateCreated: m.created, Source: source, WebhookType: 'service',
    };
    if (participant) params.ParticipantSid = participant.sid;
    if (source === 'SDK') params.ClientIdentity = m.author;
    this.webhooks.emit(params);
  }

  conversationEvent(eventType: string, c: FakeConversation, extra: WebhookParams = {}): void {
    this.webhooks.emit({
      EventType: eventType, AccountSid: this.accountSid, ChatServiceSid: this.serviceSid, ConversationSid: c.sid,
      UniqueName: c.uniqueName ?? '', FriendlyName: c.friendlyName ?? '', State: c.state, Attributes: c.attributes,
      DateCreated: c.created, Source: 'API', WebhookType: 'service', ...extra,
    });
  }

  roleJson(r: FakeRole): Json {
    return {
      sid: r.sid, account_sid: this.accountSid, chat_service_sid: this.serviceSid, friendly_name: r.friendlyName, type: r.type,
      permissions: r.permissions, date_created: r.created, date_updated: r.updated, url: `${origin}${this.servicePath}/Roles/${r.sid}`,
    };
  }

  configurationJson(): Json {
    const { creator, conversation, service } = this.serviceConfiguration;
    return {
      chat_service_sid: this.serviceSid, default_conversation_creator_role_sid: creator, default_conversation_role_sid: conversation,
      default_chat_service_role_sid: service, url: `${origin}${this.servicePath}/Configuration`, links: {}, reachability_enabled: false,
    };
  }
}

/** A list page as Twilio shapes it; twilio-node follows `meta.next_page_url`. */
function page(key: string, path: string, items: Json[], query: Form): Reply {
  const size = Number(one(query.PageSize) ?? 50);
  const index = Number(one(query.Page) ?? 0);
  const order = one(query.Order) ? `&Order=${one(query.Order)}` : '';
  const pageUrl = (n: number) => `${origin}${path}?PageSize=${size}&Page=${n}${order}${n > 0 ? `&PageToken=PT${n}` : ''}`;
  const hasNext = (index + 1) * size < items.length;
  const meta = {
    page: index, page_size: size, first_page_url: pageUrl(0), url: pageUrl(index), key,
    previous_page_url: index > 0 ? pageUrl(index - 1) : null, next_page_url: hasNext ? pageUrl(index + 1) : null,
  };
  return { status: 200, body: { [key]: items.slice(index * size, (index + 1) * size), meta } };
}

function conversationHandlers(state: FakeTwilioState): Record<string, Handler> {
  return {
    FetchConfiguration: () => ({
      status: 200,
      body: { account_sid: state.accountSid, default_chat_service_sid: state.serviceSid, default_messaging_service_sid: null, default_inactive_timer: null, default_closed_timer: null, url: `${origin}/v1/Configuration`, links: {} },
    }),
    CreateServiceConversation: (_p, body) => {
      const uniqueName = one(body.UniqueName) ?? null;
      if (uniqueName && [...state.conversations.values()].some((c) => c.uniqueName === uniqueName)) {
        throw new TwilioFakeError(409, 50353, 'Conversation with provided unique name already exists');
      }
      const c: FakeConversation = { sid: newSid('CH'), uniqueName, friendlyName: one(body.FriendlyName) ?? null, state: one(body.State) ?? 'active', attributes: one(body.Attributes) ?? '{}', created: now() };
      state.conversations.set(c.sid, c);
      return { status: 201, body: state.conversationJson(c) };
    },
    ListServiceConversation: (_p, _b, query) => page('conversations', `${state.servicePath}/Conversations`, [...state.conversations.values()].map((c) => state.conversationJson(c)), query),
    FetchServiceConversation: (p) => ({ status: 200, body: state.conversationJson(state.findConversation(p.Sid)) }),
    UpdateServiceConversation: (p, body, _q, headers) => {
      const c = state.findConversation(p.Sid);
      const before = c.state;
      c.state = one(body.State) ?? c.state;
      c.friendlyName = one(body.FriendlyName) ?? c.friendlyName;
      c.attributes = one(body.Attributes) ?? c.attributes;
      if (headers['x-twilio-webhook-enabled'] === 'true') {
        state.conversationEvent('onConversationUpdated', c);
        if (before !== c.state) state.conversationEvent('onConversationStateUpdated', c, { StateFrom: before, StateTo: c.state, Reason: 'API' });
      }
      return { status: 200, body: state.conversationJson(c) };
    },
    DeleteServiceConversation: (p) => {
      const c = state.findConversation(p.Sid);
      for (const map of [state.conversations, state.participants, state.messages]) map.delete(c.sid);
      return { status: 204 };
    },
  };
}

function participantAndMessageHandlers(state: FakeTwilioState): Record<string, Handler> {
  return {
    CreateServiceConversationParticipant: (p, body, _q, headers) => {
      const c = state.findConversation(p.ConversationSid);
      const list = state.participants.get(c.sid) ?? [];
      const identity = one(body.Identity) ?? '';
      if (identity && list.some((existing) => existing.identity === identity)) throw new TwilioFakeError(409, 50433, 'Participant already exists');
      const participant: FakeParticipant = { sid: newSid('MB'), identity, roleSid: one(body.RoleSid) ?? state.serviceConfiguration.conversation, created: now() };
      state.participants.set(c.sid, [...list, participant]);
      if (headers['x-twilio-webhook-enabled'] === 'true') {
        state.webhooks.emit({ EventType: 'onParticipantAdded', AccountSid: state.accountSid, ChatServiceSid: state.serviceSid, ConversationSid: c.sid, ParticipantSid: participant.sid, Identity: identity, Source: 'API', WebhookType: 'service' });
      }
      return { status: 201, body: state.participantJson(c, participant) };
    },
    ListServiceConversationParticipant: (p, _b, query) => {
      const c = state.findConversation(p.ConversationSid);
      const items = (state.participants.get(c.sid) ?? []).map((x) => state.participantJson(c, x));
      return page('participants', `${state.servicePath}/Conversations/${c.sid}/Participants`, items, query);
    },
    CreateServiceConversationMessage: (p, body, _q, headers) => {
      const c = state.findConversation(p.ConversationSid);
      const m = state.addMessage(c, one(body.Author) ?? 'system', one(body.Body) ?? '', one(body.Attributes) ?? '{}');
      // Twilio sends webhooks for REST-created messages only when asked to.
      if (headers['x-twilio-webhook-enabled'] === 'true') state.messageAdded(c, m, 'API');
      return { status: 201, body: state.messageJson(c, m) };
    },
    ListServiceConversationMessage: (p, _b, query) => {
      const c = state.findConversation(p.ConversationSid);
      const items = (state.messages.get(c.sid) ?? []).map((m) => state.messageJson(c, m));
      return page('messages', `${state.servicePath}/Conversations/${c.sid}/Messages`, one(query.Order) === 'desc' ? items.reverse() : items, query);
    },
  };
}

function roleHandlers(state: FakeTwilioState): Record<string, Handler> {
  return {
    ListServiceRole: (_p, _b, query) => page('roles', `${state.servicePath}/Roles`, [...state.roles.values()].map((r) => state.roleJson(r)), query),
    CreateServiceRole: (_p, body) => {
      const role: FakeRole = { sid: newSid('RL'), friendlyName: one(body.FriendlyName) ?? '', type: one(body.Type) ?? 'conversation', permissions: many(body.Permission), created: now(), updated: now() };
      state.roles.set(role.sid, role);
      return { status: 201, body: state.roleJson(role) };
    },
    FetchServiceRole: (p) => ({ status: 200, body: state.roleJson(state.findRole(p.Sid)) }),
    UpdateServiceRole: (p, body) => {
      const role = state.findRole(p.Sid);
      role.permissions = many(body.Permission);
      role.updated = now();
      return { status: 200, body: state.roleJson(role) };
    },
    FetchServiceConfiguration: () => ({ status: 200, body: state.configurationJson() }),
    FetchServiceWebhookConfiguration: () => ({ status: 200, body: webhookConfigurationJson(state) }),
    UpdateServiceWebhookConfiguration: (_p, body) => {
      const current = state.webhooks.configuration;
      state.webhooks.configuration = {
        preWebhookUrl: one(body.PreWebhookUrl) ?? current.preWebhookUrl,
        postWebhookUrl: one(body.PostWebhookUrl) ?? current.postWebhookUrl,
        filters: body.Filters === undefined ? current.filters : many(body.Filters),
        method: one(body.Method) ?? current.method,
      };
      return { status: 200, body: webhookConfigurationJson(state) };
    },
    UpdateServiceConfiguration: (_p, body) => {
      const defaults = state.serviceConfiguration;
      defaults.creator = one(body.DefaultConversationCreatorRoleSid) ?? defaults.creator;
      defaults.conversation = one(body.DefaultConversationRoleSid) ?? defaults.conversation;
      defaults.service = one(body.DefaultChatServiceRoleSid) ?? defaults.service;
      return { status: 200, body: state.configurationJson() };
    },
  };
}

function webhookConfigurationJson(state: FakeTwilioState): Json {
  const { preWebhookUrl, postWebhookUrl, filters, method } = state.webhooks.configuration;
  return {
    account_sid: state.accountSid, chat_service_sid: state.serviceSid, pre_webhook_url: preWebhookUrl, post_webhook_url: postWebhookUrl,
    filters, method, url: `${origin}${state.servicePath}/Configuration/Webhooks`,
  };
}

const errorBody = (status: number, code: number, message: string): Json => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export async function startTwilioFake() {
  const state = new FakeTwilioState();
  const apiKeySid = newSid('SK');
  const apiKeySecret = randomBytes(16).toString('hex');
  const handlers = { ...conversationHandlers(state), ...participantAndMessageHandlers(state), ...roleHandlers(state) };
  const requests: RequestLogEntry[] = [];
  const faults = new Map<string, Fault[]>();
  const outage = { down: false };

  const app = express();
  app.use((req, res, next) => {
    const expected = `Basic ${Buffer.from(`${apiKeySid}:${apiKeySecret}`).toString('base64')}`;
    if (req.get('authorization') === expected) return next();
    res.status(401).json(errorBody(401, 20003, 'Authenticate'));
  });
  app.use(rejectRequestsOutsideSpec(loadSpecValidator(twilioConversationsSpecPath())));
  app.use((req, res) => {
    const spec = res.locals.spec as SpecMatch;
    const reply = ({ status, body }: Reply) => {
      requests.push({ method: req.method, path: req.path, operationId: spec.operationId, status, body: req.body, response: body });
      if (body) res.status(status).json(body);
      else res.status(status).end();
    };
    const serviceSid = spec.pathParams.ChatServiceSid;
    if (serviceSid && serviceSid !== state.serviceSid) return reply({ status: 404, body: errorBody(404, 20404, 'Service not found') });
    if (outage.down) return reply({ status: 503, body: errorBody(503, 20503, 'Service Unavailable (injected outage)') });
    const handler = handlers[spec.operationId];
    if (!handler) return reply({ status: 501, body: errorBody(501, 0, `the fake does not implement ${spec.operationId}`) });
    const fault = faults.get(spec.operationId)?.shift();
    const failure = { status: fault?.status ?? 500, body: errorBody(fault?.status ?? 500, 20500, 'Internal Server Error (injected)') };
    if (fault?.when === 'before') return reply(failure);
    try {
      const result = handler(spec.pathParams, (req.body ?? {}) as Form, req.query as Form, req.headers);
      reply(fault?.when === 'after' ? failure : result);
    } catch (error) {
      if (!(error instanceof TwilioFakeError)) throw error;
      reply({ status: error.status, body: errorBody(error.status, error.code, error.message) });
    }
  });

  const server = await new Promise<Server>((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accountSid: state.accountSid,
    apiKeySid,
    apiKeySecret,
    serviceSid: state.serviceSid,
    state,
    /** Every request the fake answered, in order. */
    requests,
    /** While true, every request answers 503 (Twilio down). */
    setDown(down: boolean) {
      outage.down = down;
    },
    /** The next call of `operationId` fails with a 5xx, before or after changing state. */
    failNext(operationId: string, fault: Fault) {
      faults.set(operationId, [...(faults.get(operationId) ?? []), fault]);
    },
    authToken: state.authToken,
    /** Twilio's webhooks: where they go (deliverTo), what was sent, retries, waiting for them. */
    webhooks: state.webhooks,
    /**
     * A message sent by a browser through the Twilio SDK: it reaches Twilio directly, never this
     * app, and Twilio tells the app with an onMessageAdded webhook.
     */
    sendFromSdk(conversation: string, identity: string, body: string, attributes: Json = {}): FakeMessage {
      const c = state.findConversation(conversation);
      const m = state.addMessage(c, identity, body, JSON.stringify(attributes));
      state.messageAdded(c, m, 'SDK');
      return m;
    },
    /** TWILIO_* environment variables pointing the app at this fake (PUBLIC_URL: where Twilio calls it). */
    env(options: { withServiceSid?: boolean; publicUrl?: string } = {}): NodeJS.ProcessEnv {
      return {
        TWILIO_ACCOUNT_SID: state.accountSid,
        TWILIO_API_KEY_SID: apiKeySid,
        TWILIO_API_KEY_SECRET: apiKeySecret,
        TWILIO_AUTH_TOKEN: state.authToken,
        PUBLIC_URL: options.publicUrl ?? 'https://parley.test',
        TWILIO_API_BASE_URL: url,
        ...(options.withServiceSid === false ? {} : { TWILIO_CONVERSATIONS_SERVICE_SID: state.serviceSid }),
      };
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type TwilioFake = Awaited<ReturnType<typeof startTwilioFake>>;
