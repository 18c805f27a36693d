// The one surface page code talks to. Each transport (built-in Socket.IO, Twilio Conversations)
// has an adapter that turns its own events into these, so pages never know which one runs.
import type { ChatMessage, ConversationSummary, HandOverNotice, HistoryPage, TeamMember, User } from '../../src/contract/chat.js';

export type { ChatMessage, ConversationSummary, HandOverNotice, HistoryPage, TeamMember, User };

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

export interface TypingEvent {
  conversationId: string;
  userId: string;
  username: string;
}

export interface HistoryEvent {
  conversationId: string;
  page: HistoryPage;
}

export interface ChatClientEvents {
  /** A page of older messages arrived (oldest first), as answered by `loadHistory`. */
  history: HistoryEvent;
  message: ChatMessage;
  typing: TypingEvent;
  conversationUpdated: ConversationSummary;
  /** Fired once when a conversation turns from open to closed (after `conversationUpdated`). */
  conversationClosed: ConversationSummary;
  /** A customer started a conversation (dashboard only). */
  conversationCreated: ConversationSummary;
  /** A colleague handed a conversation to this rep (dashboard only). */
  handedOver: HandOverNotice;
  /** A rep became available or away (dashboard only). */
  team: TeamMember[];
  connection: ConnectionState;
}

export type ChatEventName = keyof ChatClientEvents;
export type Unsubscribe = () => void;

export interface ChatClient {
  /** Starts receiving events for the conversation and returns what it looks like now. */
  join(conversationId: string): Promise<ConversationSummary>;
  leave(conversationId: string): void;
  /** Newest page when `before` is omitted; messages are ordered oldest first. */
  loadHistory(conversationId: string, before?: string): Promise<HistoryPage>;
  /**
   * Resolves with the stored message. A send interrupted by a dropped connection is retried with
   * the same clientId once connected again; it rejects only when the server refuses it or times out.
   */
  send(conversationId: string, clientId: string, body: string): Promise<ChatMessage>;
  typing(conversationId: string): void;
  /** Read through `messageId`, the newest message shown (omitted: everything); pages debounce these (read-marks.ts). */
  markRead(conversationId: string, messageId?: string): void;
  /** Reps: the dashboard list, then `conversationCreated` / `conversationUpdated` events. */
  subscribeDashboard(): Promise<ConversationSummary[]>;
  on<E extends ChatEventName>(event: E, listener: (payload: ChatClientEvents[E]) => void): Unsubscribe;
  /** Leaves everything and closes the connection (page leave). */
  close(): Promise<void>;
}

export class ChatSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatSendError';
  }
}

type Listener<E extends ChatEventName> = (payload: ChatClientEvents[E]) => void;

/** The small typed event hub both adapters use to talk to the page. */
export class ChatEvents {
  private readonly listeners = new Map<ChatEventName, Set<Listener<never>>>();

  on<E extends ChatEventName>(event: E, listener: Listener<E>): Unsubscribe {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<never>);
  }

  emit<E extends ChatEventName>(event: E, payload: ChatClientEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as Listener<E>)(payload);
    }
  }
}

/**
 * Remembers each conversation's status so `conversationClosed` fires exactly once, on the change
 * from open to closed, whichever transport reported it.
 */
export class ConversationStatusTracker {
  private readonly statuses = new Map<string, ConversationSummary['status']>();

  constructor(private readonly events: ChatEvents) {}

  remember(summary: ConversationSummary): void {
    this.statuses.set(summary.id, summary.status);
  }

  update(summary: ConversationSummary): void {
    const before = this.statuses.get(summary.id);
    this.statuses.set(summary.id, summary.status);
    this.events.emit('conversationUpdated', summary);
    if (summary.status === 'closed' && before !== 'closed') this.events.emit('conversationClosed', summary);
  }
}
