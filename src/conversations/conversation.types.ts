import type { ChatMessage } from '../contract/chat.js';

export interface TransportConversation {
  id: string;
  transportId: string;
}

/**
 * What carries messages beyond this server. Chosen once at startup: Twilio Conversations when
 * Twilio is configured, else the built-in transport (Socket.IO, which needs nothing here). Messages
 * themselves are stored by the message pipeline on every transport; a transport only carries them.
 */
export interface MessageTransport {
  readonly kind: 'twilio' | 'builtin';
  /** Creates the transport side of a conversation; idempotent for the same conversation id. */
  createConversation(conversationId: string): Promise<string>;
  /** Adds a participant; adding one who is already in is a success. */
  addParticipant(transportId: string, userId: string): Promise<void>;
  closeConversation(transportId: string): Promise<void>;
  deleteConversation(conversation: TransportConversation): Promise<void>;
  /**
   * Hands a stored message to the transport; answers the transport's id for it. Absent when the
   * transport needs nothing (the built-in one: the realtime layer broadcasts pipeline events).
   */
  deliver?(conversation: TransportConversation, message: ChatMessage): Promise<{ transportSid: string }>;
}
