// Picks the adapter the server runs. The Twilio SDK is loaded only when it is the transport.
import { io } from 'socket.io-client';
import type { AccessTokenResponse } from '../../src/contract/chat.js';
import type { ChatClient } from './chat-client.js';
import type { PageConfig } from './page-config.js';
import { parleyApi } from './parley-api.js';
import { SocketChatClient, type ChatSocket } from './socket-chat-client.js';
import { postJson } from '../lib/http.js';

export interface ChatClientNeeds {
  /** The conversation the page is about: a Twilio token is issued for a user who may see it. */
  conversationId?: string;
  /** The rep dashboard: its list and live changes come over Parley's own realtime channel. */
  dashboard?: boolean;
}

const connectSocket = (viewerId: string): SocketChatClient =>
  new SocketChatClient(io({ withCredentials: true, autoConnect: true }) as ChatSocket, { viewerId });

export async function createChatClient(config: PageConfig, needs: ChatClientNeeds = {}): Promise<ChatClient> {
  if (config.transport === 'builtin') return connectSocket(config.me.id);
  const [{ TwilioChatClient }, { createTwilioClient }] = await Promise.all([
    import('./twilio-chat-client.js'),
    import('./twilio-sdk-loader.js'),
  ]);
  return new TwilioChatClient({
    user: config.me,
    createClient: createTwilioClient,
    fetchToken: async () => {
      const body = needs.conversationId ? { conversationId: needs.conversationId } : {};
      return (await postJson<AccessTokenResponse>('/api/token', body)).token;
    },
    server: parleyApi,
    dashboard: needs.dashboard ? connectSocket(config.me.id) : undefined,
  });
}
