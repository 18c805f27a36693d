// What a server-rendered page tells its script, as JSON in data attributes (HTML-escaped by EJS,
// so no inline script is needed and the CSP stays strict):
//   <div data-chat-transport="builtin|twilio" data-chat-user='{"id","username","role","language"}'
//        data-chat-conversation='ConversationSummary'>           (chat page)
//   <div data-chat-transport=… data-chat-user=… data-dashboard-conversations='[ConversationSummary…]'>
// The script renders into the element marked `data-chat-mount` inside (the no-JS version), or
// into the root itself when there is none.
import type { User, ConversationSummary, HistoryPage } from './chat-client.js';

export type TransportKind = 'builtin' | 'twilio';

export interface PageConfig {
  transport: TransportKind;
  me: User;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isUser(value: unknown): value is User {
  if (!value || typeof value !== 'object') return false;
  const user = value as Record<string, unknown>;
  return typeof user.id === 'string' && typeof user.username === 'string' && typeof user.language === 'string' &&
    (user.role === 'customer' || user.role === 'rep');
}

function isSummary(value: unknown): value is ConversationSummary {
  if (!value || typeof value !== 'object') return false;
  const summary = value as Record<string, unknown>;
  return typeof summary.id === 'string' && (summary.status === 'open' || summary.status === 'closed') &&
    typeof summary.customer === 'object' && summary.customer !== null;
}

export function readPageConfig(root: HTMLElement): PageConfig | undefined {
  const me = parseJson(root.dataset.chatUser);
  if (!isUser(me)) return undefined;
  return { transport: root.dataset.chatTransport === 'twilio' ? 'twilio' : 'builtin', me };
}

export function readConversation(root: HTMLElement): ConversationSummary | undefined {
  const summary = parseJson(root.dataset.chatConversation);
  return isSummary(summary) ? summary : undefined;
}

/** The newest history page the server rendered (`data-chat-history`), so the script need not ask again. */
export function readHistory(root: HTMLElement): HistoryPage | undefined {
  const page = parseJson(root.dataset.chatHistory);
  if (!page || typeof page !== 'object') return undefined;
  const { messages, hasMore } = page as { messages?: unknown; hasMore?: unknown };
  return Array.isArray(messages) && typeof hasMore === 'boolean' ? { messages: messages as HistoryPage['messages'], hasMore } : undefined;
}

export function readDashboardConversations(root: HTMLElement): ConversationSummary[] {
  const list = parseJson(root.dataset.dashboardConversations);
  return Array.isArray(list) ? list.filter(isSummary) : [];
}
