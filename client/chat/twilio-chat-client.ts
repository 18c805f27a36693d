// Adapter for Twilio Conversations (@twilio/conversations in the browser). Twilio carries what
// happens live (new messages, typing, state); Parley's server is the record and the way in:
// history, sending and reading go through its API, so every message passes the server's
// pipeline (validation, limits, translation on write). The dashboard list comes over Parley's own
// realtime channel. Identity = our user id; the Twilio conversation's uniqueName = our id.
import type { ChatMessage, ConversationSummary, HistoryPage, User } from '../../src/contract/chat.js';
import {
  ChatEvents,
  ChatSendError,
  ConversationStatusTracker,
  type ChatClient,
  type ChatClientEvents,
  type ChatEventName,
  type ConnectionState,
  type Unsubscribe,
} from './chat-client.js';
import type { CreateTwilioClient, TwilioClientLike, TwilioConnectionState, TwilioConversationEvents, TwilioConversationLike } from './twilio-sdk.js';
import { connectionStates, stringAttribute, toChatMessage } from './twilio-mapping.js';
import { HttpError } from '../lib/http-error.js';

export { toChatMessage };

export interface TwilioChatClientOptions {
  user: User;
  createClient: CreateTwilioClient;
  /** A fresh access token (POST /api/token). */
  fetchToken: () => Promise<string>;
  server: ParleyApi;
  /** Reps: the dashboard list and its live changes (Parley's realtime channel). */
  dashboard?: Pick<ChatClient, 'subscribeDashboard' | 'on' | 'close'>;
  /** Waits between attempts of a send the server could not take (offline, 5xx): grows to 10 s. */
  retryDelayMs?: (attempt: number) => number;
  /** Attempts before a send is given up (the page then offers "retry"). */
  maxSendAttempts?: number;
}

interface Joined {
  conversation: TwilioConversationLike;
  summary: ConversationSummary;
  listeners: TwilioConversationEvents;
}

interface PendingSend {
  conversationId: string;
  clientId: string;
  body: string;
  attempts: number;
  promise: Promise<ChatMessage>;
  resolve: (message: ChatMessage) => void;
  reject: (error: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The server's side of a conversation (parley-api.ts): the record, and the way messages go in. */
export interface ParleyApi {
  describe(conversationId: string): Promise<ConversationSummary>;
  /** Newest page when `before` is omitted, oldest first. */
  history(conversationId: string, before?: string): Promise<HistoryPage>;
  /** Stores the message (once per clientId) and hands it to Twilio; answers the stored message. */
  send(conversationId: string, clientId: string, body: string): Promise<ChatMessage>;
  markRead(conversationId: string): Promise<void>;
}

const defaultRetryDelay = (attempt: number) => Math.min(1_000 * 2 ** (attempt - 1), 10_000);

export class TwilioChatClient implements ChatClient {
  private readonly events = new ChatEvents();
  private readonly statuses = new ConversationStatusTracker(this.events);
  private readonly joined = new Map<string, Joined>();
  private readonly unsent = new Map<string, PendingSend>();
  private readonly names = new Map<string, string>();
  private readonly unsubscribeDashboard: Unsubscribe[] = [];
  private clientPromise: Promise<TwilioClientLike> | undefined;
  private connection: ConnectionState = 'connecting';
  private closed = false;

  constructor(private readonly options: TwilioChatClientOptions) {}

  on<E extends ChatEventName>(event: E, listener: (payload: ChatClientEvents[E]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  async join(conversationId: string): Promise<ConversationSummary> {
    const existing = this.joined.get(conversationId);
    if (existing) return existing.summary;
    const client = await this.client();
    const [conversation, described] = await Promise.all([
      client.getConversationByUniqueName(conversationId),
      this.options.server.describe(conversationId),
    ]);
    const summary = this.withTwilioStatus(described, conversation);
    const listeners = this.conversationListeners(conversationId);
    conversation.on('messageAdded', listeners.messageAdded);
    conversation.on('typingStarted', listeners.typingStarted);
    conversation.on('updated', listeners.updated);
    conversation.on('removed', listeners.removed);
    this.joined.set(conversationId, { conversation, summary, listeners });
    this.statuses.remember(summary);
    return summary;
  }

  leave(conversationId: string): void {
    const entry = this.joined.get(conversationId);
    if (!entry) return;
    const { conversation, listeners } = entry;
    conversation.off('messageAdded', listeners.messageAdded);
    conversation.off('typingStarted', listeners.typingStarted);
    conversation.off('updated', listeners.updated);
    conversation.off('removed', listeners.removed);
    this.joined.delete(conversationId);
  }

  async loadHistory(conversationId: string, before?: string): Promise<HistoryPage> {
    const page = await this.options.server.history(conversationId, before);
    for (const message of page.messages) if (message.authorName) this.names.set(message.authorId, message.authorName);
    this.events.emit('history', { conversationId, page });
    return page;
  }

  send(conversationId: string, clientId: string, body: string): Promise<ChatMessage> {
    const waiting = this.unsent.get(clientId);
    if (waiting) return waiting.promise;
    let settle!: Pick<PendingSend, 'resolve' | 'reject'>;
    const promise = new Promise<ChatMessage>((resolve, reject) => (settle = { resolve, reject }));
    const pending: PendingSend = { conversationId, clientId, body, attempts: 0, promise, ...settle };
    this.unsent.set(clientId, pending);
    void this.transmit(pending);
    return promise;
  }

  typing(conversationId: string): void {
    void this.joined.get(conversationId)?.conversation.typing().catch(() => undefined);
  }

  // Live messages here carry Twilio's sids, which do not sort: the mark says "everything".
  markRead(conversationId: string): void {
    void this.options.server.markRead(conversationId).catch(() => undefined);
  }

  async subscribeDashboard(): Promise<ConversationSummary[]> {
    const feed = this.options.dashboard;
    if (!feed) return [];
    if (this.unsubscribeDashboard.length === 0) {
      this.unsubscribeDashboard.push(
        feed.on('conversationCreated', (summary) => this.events.emit('conversationCreated', summary)),
        feed.on('conversationUpdated', (summary) => this.statuses.update(summary)),
        feed.on('handedOver', (notice) => this.events.emit('handedOver', notice)),
        feed.on('team', (team) => this.events.emit('team', team)),
      );
    }
    const list = await feed.subscribeDashboard();
    for (const summary of list) this.statuses.remember(summary);
    return list;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.unsubscribeDashboard.splice(0)) stop();
    await this.options.dashboard?.close();
    for (const conversationId of [...this.joined.keys()]) this.leave(conversationId);
    for (const pending of this.unsent.values()) clearTimeout(pending.timer);
    this.unsent.clear();
    const client = await this.clientPromise?.catch(() => undefined);
    await client?.shutdown();
  }

  private client(): Promise<TwilioClientLike> {
    this.clientPromise ??= this.options
      .fetchToken()
      .then((token) => this.options.createClient(token))
      .then((client) => this.watch(client));
    return this.clientPromise;
  }

  private watch(client: TwilioClientLike): TwilioClientLike {
    const renew = () => void this.renewToken(client);
    client.on('tokenAboutToExpire', renew);
    client.on('tokenExpired', renew);
    client.on('connectionStateChanged', (state) => this.onConnectionState(client, state));
    this.onConnectionState(client, client.connectionState);
    return client;
  }

  /** A whole shift on one page: a new token before the old one runs out. */
  private async renewToken(client: TwilioClientLike): Promise<void> {
    if (this.closed) return;
    try {
      await client.updateToken(await this.options.fetchToken());
    } catch {
      this.events.emit('connection', 'failed');
    }
  }

  private onConnectionState(client: TwilioClientLike, state: TwilioConnectionState): void {
    const before = this.connection;
    this.connection = connectionStates[state];
    // Denied means the token was refused (usually expired while offline): get a new one.
    if (state === 'denied') void this.renewToken(client);
    this.events.emit('connection', this.connection);
    if (this.connection === 'connected' && before !== 'connected') {
      // Back online: what waited for a retry goes now, with the same clientId.
      for (const pending of this.unsent.values()) {
        if (pending.timer === undefined) continue;
        clearTimeout(pending.timer);
        pending.timer = undefined;
        void this.transmit(pending);
      }
    }
  }

  private async transmit(pending: PendingSend): Promise<void> {
    pending.attempts += 1;
    try {
      const stored = await this.options.server.send(pending.conversationId, pending.clientId, pending.body);
      this.settle(pending.clientId, stored);
    } catch (error) {
      if (this.unsent.get(pending.clientId) !== pending) return;
      const retryable = !(error instanceof HttpError) || error.retryable;
      if (retryable && pending.attempts < (this.options.maxSendAttempts ?? 6)) {
        const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(pending.attempts);
        pending.timer = setTimeout(() => {
          pending.timer = undefined;
          void this.transmit(pending);
        }, delay);
        return;
      }
      const code = error instanceof HttpError ? error.code : 'send-failed';
      this.settle(pending.clientId, new ChatSendError(code, error instanceof Error ? error.message : 'Sending failed.'));
    }
  }

  private settle(clientId: string, outcome: ChatMessage | Error): void {
    const pending = this.unsent.get(clientId);
    if (!pending) return;
    this.unsent.delete(clientId);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  private conversationListeners(conversationId: string): TwilioConversationEvents {
    return {
      messageAdded: (item) => {
        const message = toChatMessage(item, conversationId);
        if (message.authorName) this.names.set(message.authorId, message.authorName);
        this.settle(message.clientId, message);
        this.events.emit('message', message);
      },
      typingStarted: (participant) => {
        const userId = participant.identity ?? '';
        const username = stringAttribute(participant.attributes, 'username') ?? this.names.get(userId) ?? '';
        this.events.emit('typing', { conversationId, userId, username });
      },
      updated: ({ conversation }) => this.onConversationChanged(conversationId, conversation),
      removed: (conversation) => this.onConversationChanged(conversationId, conversation, true),
    };
  }

  private onConversationChanged(conversationId: string, conversation: TwilioConversationLike, removed = false): void {
    const entry = this.joined.get(conversationId);
    if (!entry) return;
    const base = this.withTwilioStatus(entry.summary, conversation);
    entry.summary = removed ? { ...base, status: 'closed' } : base;
    this.statuses.update(entry.summary);
  }

  private withTwilioStatus(summary: ConversationSummary, conversation: TwilioConversationLike): ConversationSummary {
    return conversation.state?.current === 'closed' ? { ...summary, status: 'closed' } : summary;
  }
}
