import type { ChatMessage, HistoryPage, Role } from '../realtime/protocol.js';

/** Who is acting: the logged-in user as the session gives it. */
export interface Actor {
  id: string;
  username: string;
  role: Role | (string & {});
  language: string;
}

export interface NewMessage {
  clientId: string;
  body: string;
  language: string;
  author: { id: string; username: string; role: Role };
}

export interface TransportConversation {
  id: string;
  transportId: string;
}

/**
 * Where messages live and travel. Chosen once at startup: Twilio Conversations when Twilio is
 * configured, else the built-in transport (MongoDB + Socket.IO).
 */
export interface MessageTransport {
  readonly kind: 'twilio' | 'builtin';
  /** Creates the transport side of a conversation; idempotent for the same conversation id. */
  createConversation(conversationId: string): Promise<string>;
  /** Adds a participant; adding one who is already in is a success. */
  addParticipant(transportId: string, userId: string): Promise<void>;
  closeConversation(transportId: string): Promise<void>;
  deleteConversation(conversation: TransportConversation): Promise<void>;
  /** Stores (or returns the already stored message with the same clientId). */
  sendMessage(conversation: TransportConversation, message: NewMessage): Promise<{ message: ChatMessage; created: boolean }>;
  /** Newest page first in storage terms, returned oldest → newest. */
  listMessages(conversation: TransportConversation, page: { before?: string; limit: number }): Promise<HistoryPage>;
  /** Every message, oldest first (transcripts). */
  allMessages(conversation: TransportConversation): Promise<ChatMessage[]>;
}
