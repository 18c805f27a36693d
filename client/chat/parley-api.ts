// The server's JSON API for a conversation, used where no socket carries it (the Twilio
// transport): the database is the record, so history, sending and reading go through Parley.
import type { ChatMessage, ConversationSummary, HistoryPage } from '../../src/contract/chat.js';
import { getJson, postJson } from '../lib/http.js';
import type { ParleyApi } from './twilio-chat-client.js';

const base = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}`;

export const parleyApi: ParleyApi = {
  describe: async (id) => (await getJson<{ conversation: ConversationSummary }>(base(id))).conversation,
  history: (id, before) => getJson<HistoryPage>(`${base(id)}/messages${before ? `?before=${encodeURIComponent(before)}` : ''}`),
  send: async (id, clientId, body) => (await postJson<{ message: ChatMessage }>(`${base(id)}/messages`, { clientId, body })).message,
  markRead: async (id) => {
    await postJson(`/conversations/${encodeURIComponent(id)}/read`, {});
  },
};
