// Adapter for the built-in transport (Socket.IO). Events and acknowledgements follow
// src/contract/chat.ts exactly. Sends wait for the server's ack; a send cut off by a dropped
// connection is kept and sent again, with the same clientId, once the socket is back and has
// re-joined its conversations (the server stores a clientId once, so a resend never duplicates).
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ChatMessage,
  ClientToServerEvents,
  ConversationSummary,
  HistoryPage,
  SendMessageInput,
  ServerToClientEvents,
} from '../../src/contract/chat.js';
import { HISTORY_PAGE_SIZE } from '../../src/contract/chat.js';
import {
  ChatEvents,
  ChatSendError,
  ConversationStatusTracker,
  type ChatClient,
  type ChatClientEvents,
  type ChatEventName,
  type Unsubscribe,
} from './chat-client.js';
import { DashboardRows, summaryForViewer } from './dashboard-rows.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface PendingSend {
  input: SendMessageInput;
  resolve: (message: ChatMessage) => void;
  reject: (error: Error) => void;
}

export interface SocketChatClientOptions {
  /** How long to wait for an ack while connected before calling a request failed. */
  ackTimeoutMs?: number;
  /** The signed-in user: dashboard rows carry each joined rep's own unread count. */
  viewerId?: string;
}

type ErrorFirstAck<T> = (error: Error | null, result: Ack<T>) => void;

export { summaryForViewer };

export class SocketChatClient implements ChatClient {
  private readonly events = new ChatEvents();
  private readonly statuses = new ConversationStatusTracker(this.events);
  private readonly joined = new Set<string>();
  private readonly unacked = new Map<string, PendingSend>();
  private readonly ackTimeoutMs: number;
  /** The dashboard's rows, kept current from the feed's whole rows and activity. */
  private readonly dashboardRows: DashboardRows;
  private dashboardSubscribed = false;
  private hasConnected = false;

  constructor(
    private readonly socket: ChatSocket,
    options: SocketChatClientOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.dashboardRows = new DashboardRows({
      viewerId: options.viewerId,
      fetch: (ids) => this.request<{ conversations: ConversationSummary[] }>((ack) =>
        this.socket.timeout(this.ackTimeoutMs).emit('dashboard:rows', { ids }, ack)).then((answer) => answer.conversations),
      onRow: (summary) => this.statuses.update(summary),
    });
    socket.on('connect', () => void this.onConnect());
    socket.on('disconnect', () => this.events.emit('connection', socket.active ? 'reconnecting' : 'disconnected'));
    socket.on('connect_error', () => this.events.emit('connection', socket.active ? 'reconnecting' : 'failed'));
    socket.on('message:new', (message) => this.events.emit('message', message));
    socket.on('typing', (event) => this.events.emit('typing', event));
    socket.on('conversation:updated', (summary) => this.statuses.update(summary));
    socket.on('conversation:created', (summary) => {
      if (this.dashboardSubscribed) this.dashboardRows.hold([summary]);
      this.events.emit('conversationCreated', summary);
    });
    socket.on('conversation:handed-over', (notice) => this.events.emit('handedOver', notice));
    socket.on('team:updated', (team) => this.events.emit('team', team));
    socket.on('conversations:updated', (update) => this.dashboardRows.receive(update));
    if (!socket.connected && !socket.active) socket.connect();
  }

  on<E extends ChatEventName>(event: E, listener: (payload: ChatClientEvents[E]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  async join(conversationId: string): Promise<ConversationSummary> {
    this.joined.add(conversationId);
    const { conversation } = await this.request<{ conversation: ConversationSummary }>((ack) =>
      this.socket.timeout(this.ackTimeoutMs).emit('conversation:join', { conversationId }, ack),
    );
    this.statuses.remember(conversation);
    return conversation;
  }

  leave(conversationId: string): void {
    this.joined.delete(conversationId);
    if (this.socket.connected) this.socket.emit('conversation:leave', { conversationId });
  }

  async loadHistory(conversationId: string, before?: string): Promise<HistoryPage> {
    const request = { conversationId, limit: HISTORY_PAGE_SIZE, ...(before ? { before } : {}) };
    const { messages, hasMore } = await this.request<HistoryPage>((ack) =>
      this.socket.timeout(this.ackTimeoutMs).emit('messages:history', request, ack),
    );
    const page = { messages, hasMore };
    this.events.emit('history', { conversationId, page });
    return page;
  }

  send(conversationId: string, clientId: string, body: string): Promise<ChatMessage> {
    const waiting = this.unacked.get(clientId);
    if (waiting) return new Promise((resolve, reject) => this.chain(waiting, resolve, reject));
    return new Promise((resolve, reject) => {
      const pending: PendingSend = { input: { conversationId, clientId, body }, resolve, reject };
      this.unacked.set(clientId, pending);
      if (this.socket.connected) this.transmit(pending);
    });
  }

  typing(conversationId: string): void {
    if (this.socket.connected) this.socket.volatile.emit('typing', { conversationId });
  }

  markRead(conversationId: string, messageId?: string): void {
    if (this.socket.connected) this.socket.emit('conversation:read', messageId ? { conversationId, messageId } : { conversationId });
  }

  async subscribeDashboard(): Promise<ConversationSummary[]> {
    const conversations = await this.requestDashboard();
    for (const conversation of conversations) this.statuses.remember(conversation);
    this.dashboardRows.hold(conversations);
    return conversations;
  }

  /** How many dashboard rows this client holds (the first page, and every row it got since). */
  dashboardRowCount(): number {
    return this.dashboardRows.size;
  }

  private async requestDashboard(): Promise<ConversationSummary[]> {
    this.dashboardSubscribed = true;
    const { conversations } = await this.request<{ conversations: ConversationSummary[] }>((ack) =>
      this.socket.timeout(this.ackTimeoutMs).emit('dashboard:subscribe', ack),
    );
    return conversations;
  }

  async close(): Promise<void> {
    for (const conversationId of [...this.joined]) this.leave(conversationId);
    this.socket.disconnect();
  }

  /** Messages still waiting for the server's ack, by clientId (what a reconnect will resend). */
  pendingClientIds(): string[] {
    return [...this.unacked.keys()];
  }

  private async onConnect(): Promise<void> {
    const isReconnect = this.hasConnected;
    this.hasConnected = true;
    if (isReconnect) await this.rejoin();
    this.events.emit('connection', 'connected');
    for (const pending of this.unacked.values()) this.transmit(pending);
  }

  /** A new connection starts with no rooms: join again before resending into them. */
  private async rejoin(): Promise<void> {
    const joins = [...this.joined].map((conversationId) =>
      this.join(conversationId).catch(() => this.joined.delete(conversationId)),
    );
    // Rows held from before may have changed while the connection was down: asked for again.
    const dashboard = this.dashboardSubscribed ? [this.requestDashboard().then((fresh) => this.dashboardRows.resync(fresh)).catch(() => undefined)] : [];
    await Promise.all([...joins, ...dashboard]);
  }

  private transmit(pending: PendingSend): void {
    const ack: ErrorFirstAck<{ message: ChatMessage }> = (error, result) => {
      if (this.unacked.get(pending.input.clientId) !== pending) return;
      // Cut off by a disconnect: keep it; onConnect sends it again with the same clientId.
      if (error && !this.socket.connected) return;
      this.unacked.delete(pending.input.clientId);
      if (error) pending.reject(new ChatSendError('timeout', 'The server did not answer in time.'));
      else if (result.ok) pending.resolve(result.message);
      else pending.reject(new ChatSendError(result.error.code, result.error.message));
    };
    this.socket.timeout(this.ackTimeoutMs).emit('message:send', pending.input, ack);
  }

  private chain(waiting: PendingSend, resolve: PendingSend['resolve'], reject: PendingSend['reject']): void {
    const { resolve: first, reject: firstReject } = waiting;
    waiting.resolve = (message) => {
      first(message);
      resolve(message);
    };
    waiting.reject = (error) => {
      firstReject(error);
      reject(error);
    };
  }

  private request<T>(emit: (ack: ErrorFirstAck<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      emit((error, result) => {
        if (error) reject(new ChatSendError('unavailable', 'The chat server is not reachable.'));
        else if (result.ok) resolve(result);
        else reject(new ChatSendError(result.error.code, result.error.message));
      });
    });
  }
}
