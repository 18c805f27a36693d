// Picks the adapter the server runs. The Twilio SDK is loaded only when it is the transport.
import { io } from 'socket.io-client';
import type { AccessTokenResponse } from '../../src/contract/chat.js';
import type { ChatClient, ConversationSummary } from './chat-client.js';
import type { PageConfig } from './page-config.js';
import { SocketChatClient, type ChatSocket } from './socket-chat-client.js';
import { postJson } from '../lib/http.js';

export interface ServerLookups {
  /** The server's view of a conversation (the Twilio SDK knows only its messages and state). */
  describeConversation: (conversationId: string) => Promise<ConversationSummary>;
  listConversations?: () => Promise<ConversationSummary[]>;
  /** The conversation the page is about: a Twilio token is issued for a user who may see it. */
  conversationId?: string;
}

export async function createChatClient(config: PageConfig, lookups: ServerLookups): Promise<ChatClient> {
  if (config.transport === 'builtin') {
    const socket: ChatSocket = io({ withCredentials: true, autoConnect: true });
    return new SocketChatClient(socket);
  }
  const [{ TwilioChatClient }, { createTwilioClient }] = await Promise.all([
    import('./twilio-chat-client.js'),
    import('./twilio-sdk-loader.js'),
  ]);
  return new TwilioChatClient({
    user: config.me,
    createClient: createTwilioClient,
    fetchToken: async () => {
      const body = lookups.conversationId ? { conversationId: lookups.conversationId } : {};
      return (await postJson<AccessTokenResponse>('/api/token', body)).token;
    },
    describeConversation: lookups.describeConversation,
    listConversations: lookups.listConversations,
  });
}
