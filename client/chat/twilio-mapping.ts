// How Twilio SDK objects become protocol objects: message attributes carry what Twilio does not
// know about (clientId, author name and role, language).
import type { ChatMessage } from '../../src/contract/chat.js';
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
  const parsed = typeof attributes === 'string' ? parseJson(attributes) : attributes;
  if (!parsed || typeof parsed !== 'object') return undefined;
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Maps an SDK message to the protocol's ChatMessage. */
export function toChatMessage(message: TwilioMessageLike, conversationId: string): ChatMessage {
  const { attributes } = message;
  const role = stringAttribute(attributes, 'authorRole');
  return {
    id: message.sid,
    conversationId,
    clientId: stringAttribute(attributes, 'clientId') ?? message.sid,
    authorId: message.author ?? '',
    authorName: stringAttribute(attributes, 'authorName') ?? message.author ?? '',
    authorRole: role === 'rep' ? 'rep' : 'customer',
    body: message.body ?? '',
    language: stringAttribute(attributes, 'language') ?? '',
    createdAt: (message.dateCreated ?? new Date()).toISOString(),
  };
}
