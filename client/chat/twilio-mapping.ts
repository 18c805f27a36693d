// How Twilio SDK objects become contract objects: message attributes carry what Twilio does not
// know about (clientId, author name and role, language).
import { parseMessageAttributes, type ChatMessage } from '../../src/contract/chat.js';
import type { ConnectionState } from './chat-client.js';
import type { TwilioConnectionState, TwilioMessageLike } from './twilio-sdk.js';

export const connectionStates: Record<TwilioConnectionState, ConnectionState> = {
  unknown: 'connecting',
  connecting: 'connecting',
  connected: 'connected',
  retrying: 'reconnecting',
  disconnecting: 'reconnecting',
  disconnected: 'disconnected',
  denied: 'reconnecting',
  error: 'failed',
};

/** Reads one string attribute; attributes may arrive parsed or, from REST-sent messages, as JSON text. */
export function stringAttribute(attributes: unknown, key: string): string | undefined {
  let parsed: unknown = attributes;
  if (typeof attributes === 'string') {
    try {
      parsed = JSON.parse(attributes);
    } catch {
      return undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** The one mapping from an SDK message to the contract's ChatMessage (sid stands in for a missing clientId). */
export function toChatMessage(message: TwilioMessageLike, conversationId: string): ChatMessage {
  const attributes = parseMessageAttributes(message.attributes);
  return {
    id: message.sid,
    conversationId,
    clientId: attributes.clientId ?? message.sid,
    authorId: message.author ?? '',
    authorName: attributes.authorName ?? message.author ?? '',
    authorRole: attributes.authorRole === 'rep' ? 'rep' : 'customer',
    body: message.body ?? '',
    language: attributes.language ?? '',
    createdAt: (message.dateCreated ?? new Date()).toISOString(),
    ...(attributes.kind ? { kind: attributes.kind } : {}),
  };
}
