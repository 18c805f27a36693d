// Adapter for Twilio Conversations (@twilio/conversations in the browser). Identity = our user id,
// the Twilio conversation's uniqueName = our conversation id, and each message carries our
// clientId, author name, role and language in its attributes (set by the sending browser).
import type { ChatMessage, ConversationSummary, HistoryPage } from '../../src/contract/chat.js';
import { HISTORY_PAGE_SIZE } from '../../src/contract/chat.js';
import {
  ChatEvents,
  ChatSendError,
  ConversationStatusTracker,
  type ChatClient,
  type ChatClientEvents,
  type ChatUser,
  type ChatEventName,
  type ConnectionState,
  type Unsubscribe,
} from './chat-client.js';
import type {
  CreateTwilioClient,
  TwilioClientLike,
  TwilioConnectionState,
  TwilioConversationEvents,
  TwilioConversationLike,
  TwilioMessageLike,
} from './twilio-sdk.js';
import { connectionStates, stringAttribute, toChatMessage } from './twilio-mapping.js';

export { toChatMessage };

export interface TwilioChatClientOptions {
  user: ChatUser;
  createClient: CreateTwilioClient;
  /** A fresh access token (POST /api/token). */
  fetchToken: () => Promise<string>;
  /** What the server says about a conversation (customer, reps, unread); status comes from Twilio. */
  describeConversation: (conversationId: string) => Promise<ConversationSummary>;
  /** Reps: the dashboard list, asked again every `dashboardRefreshMs` to notice new conversations. */
  listConversations?: () => Promise<ConversationSummary[]>;
  dashboardRefreshMs?: number;
  sendTimeoutMs?: number;
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
  resolve: (message: ChatMessage) => void;
  reject: (error: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class TwilioChatClient implements ChatClient {
  private readonly events = new ChatEvents();
  private readonly statuses = new ConversationStatusTracker(this.events);
  private readonly joined = new Map<string, Joined>();
  private readonly unsent = new Map<string, PendingSend>();
  /** Message index by sid, to page history backwards from a message id. */
  private readonly indexes = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private clientPromise: Promise<TwilioClientLike> | undefined;
  private connection: ConnectionState = 'connecting';
  private dashboardTimer: ReturnType<typeof setInterval> | undefined;
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
      this.options.describeConversation(conversationId),
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
    const { conversation } = await this.joinedEntry(conversationId);
    const anchor = before === undefined ? undefined : this.indexes.get(before);
    if (before !== undefined && anchor === undefined) return { messages: [], hasMore: false };
    const paginator = await conversation.getMessages(
      HISTORY_PAGE_SIZE,
      anchor === undefined ? undefined : anchor - 1,
      'backwards',
    );
    const messages = paginator.items.map((item) => this.remember(item, conversationId));
    const page = { messages, hasMore: paginator.hasPrevPage };
    this.events.emit('history', { conversationId, page });
    return page;
  }

  send(conversationId: string, clientId: string, body: string): Promise<ChatMessage> {
    this.unsent.get(clientId)?.reject(new ChatSendError('superseded', 'Sent again.'));
    return new Promise((resolve, reject) => {
      const pending: PendingSend = { conversationId, clientId, body, resolve, reject };
      this.unsent.set(clientId, pending);
      if (this.connection === 'connected' || this.connection === 'connecting') void this.transmit(pending);
    });
  }

  typing(conversationId: string): void {
    void this.joined.get(conversationId)?.conversation.typing().catch(() => undefined);
  }

  markRead(conversationId: string): void {
    void this.joined.get(conversationId)?.conversation.setAllMessagesRead().catch(() => undefined);
  }

  async subscribeDashboard(): Promise<ConversationSummary[]> {
    const list = this.options.listConversations;
    if (!list) return [];
    const known = new Map((await list()).map((summary) => [summary.id, summary]));
    for (const summary of known.values()) this.statuses.remember(summary);
    this.dashboardTimer ??= setInterval(() => {
      list().then((fresh) => this.announceChanges(known, fresh), () => undefined);
    }, this.options.dashboardRefreshMs ?? 15_000);
    return [...known.values()];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.dashboardTimer) clearInterval(this.dashboardTimer);
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
      for (const pending of this.unsent.values()) if (!pending.timer) void this.transmit(pending);
    }
  }

  private async transmit(pending: PendingSend): Promise<void> {
    try {
      const { conversation } = await this.joinedEntry(pending.conversationId);
      const { user } = this.options;
      const attributes = { clientId: pending.clientId, authorName: user.username, authorRole: user.role, language: user.language };
      await conversation.sendMessage(pending.body, attributes);
      if (this.unsent.get(pending.clientId) !== pending) return;
      // Stored: the message itself arrives through messageAdded; stop waiting after a while.
      pending.timer = setTimeout(() => this.settle(pending.clientId, undefined), this.options.sendTimeoutMs ?? 10_000);
    } catch (error) {
      if (this.unsent.get(pending.clientId) !== pending) return;
      // Offline: keep it; onConnectionState sends it again with the same clientId.
      if (this.connection !== 'connected') return;
      this.unsent.delete(pending.clientId);
      pending.reject(new ChatSendError('send-failed', error instanceof Error ? error.message : 'Sending failed.'));
    }
  }

  private settle(clientId: string, message: ChatMessage | undefined): void {
    const pending = this.unsent.get(clientId);
    if (!pending) return;
    this.unsent.delete(clientId);
    clearTimeout(pending.timer);
    if (message) pending.resolve(message);
    else pending.reject(new ChatSendError('timeout', 'The message was not confirmed in time.'));
  }

  private conversationListeners(conversationId: string): TwilioConversationEvents {
    return {
      messageAdded: (item) => {
        const message = this.remember(item, conversationId);
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

  private remember(item: TwilioMessageLike, conversationId: string): ChatMessage {
    const message = toChatMessage(item, conversationId);
    this.indexes.set(message.id, item.index);
    if (message.authorName) this.names.set(message.authorId, message.authorName);
    return message;
  }

  private async joinedEntry(conversationId: string): Promise<Joined> {
    await this.join(conversationId);
    const entry = this.joined.get(conversationId);
    if (!entry) throw new ChatSendError('not-joined', 'This conversation is not open here.');
    return entry;
  }

  private announceChanges(known: Map<string, ConversationSummary>, fresh: ConversationSummary[]): void {
    for (const summary of fresh) {
      const before = known.get(summary.id);
      known.set(summary.id, summary);
      if (!before) this.events.emit('conversationCreated', summary);
      else if (JSON.stringify(before) !== JSON.stringify(summary)) this.statuses.update(summary);
    }
  }
}
