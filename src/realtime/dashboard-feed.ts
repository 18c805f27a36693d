import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, User } from '../contract/chat.js';
import { toDashboardActivity, toDashboardRow, toSummary, type ConversationView } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';

interface FeedSocketData {
  user: User;
}
type FeedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, FeedSocketData>;

/** `message`: a stored message changed it (preview, last activity, unread); `other`: anything else. */
export type FeedChange = 'message' | 'other';

export interface DashboardFeedOptions {
  io: FeedServer;
  dashboardRoom: string;
  conversationRoom: (id: string) => string;
  /** How long changes are collected before they are sent (0: on the next turn of the event loop). */
  windowMs: number;
  logger: Logger;
}

/**
 * Conversation changes, coalesced: every message used to send each rep's dashboard its own
 * summary (one lookup of the sockets and one packet per rep per message). Now the rows that
 * changed within a short window go out as one broadcast to all dashboards (encoded once), and each
 * conversation's room gets its latest summary once per window, per socket for its own unread.
 * Rows that only got messages go as activity (the fields a message sets), since at high rates
 * almost every row in a window is one of those and whole rows were most of the bytes every rep
 * received and parsed; dashboards ask for a whole row they lack (`dashboard:rows`). Broadcast
 * through the adapter like before: no per-socket state, the same with several instances.
 */
export function createDashboardFeed(options: DashboardFeedOptions) {
  const { io } = options;
  /** Latest state per conversation in the window; `whole` once anything but a message changed it. */
  const pending = new Map<string, { view: ConversationView; whole: boolean }>();
  let timer: NodeJS.Timeout | undefined;

  async function toRoom(view: ConversationView): Promise<void> {
    const sockets = await io.in(options.conversationRoom(view.id)).fetchSockets();
    for (const socket of sockets) {
      if (socket.data.user.role === 'rep' || view.customer.id === socket.data.user.id) {
        socket.emit('conversation:updated', toSummary(view, socket.data.user));
      }
    }
  }

  function flush(): void {
    timer = undefined;
    const changes = [...pending.values()];
    pending.clear();
    if (changes.length === 0) return;
    const conversations = changes.filter((change) => change.whole).map((change) => toDashboardRow(change.view));
    const activity = changes.filter((change) => !change.whole).map((change) => toDashboardActivity(change.view));
    io.to(options.dashboardRoom).emit('conversations:updated', { conversations, activity });
    for (const { view } of changes) {
      toRoom(view).catch((error: unknown) => options.logger.warn({ err: error, conversationId: view.id }, 'conversation update not sent to its room'));
    }
  }

  return {
    /** A conversation changed: its latest state goes out with the window's other changes. */
    changed(view: ConversationView, change: FeedChange = 'other'): void {
      pending.set(view.id, { view, whole: change === 'other' || pending.get(view.id)?.whole === true });
      timer ??= setTimeout(flush, options.windowMs);
    },
    /** A new conversation: each dashboard socket gets it at once, with its own user's unread count. */
    created(view: ConversationView): void {
      void io.in(options.dashboardRoom).fetchSockets().then((sockets) => {
        for (const socket of sockets) {
          if (socket.data.user.role === 'rep') socket.emit('conversation:created', toSummary(view, socket.data.user));
        }
      }, (error: unknown) => options.logger.warn({ err: error, conversationId: view.id }, 'new conversation not sent to the dashboards'));
    },
    /** Sends what is pending now (shutdown) and stops. */
    close(): void {
      clearTimeout(timer);
      flush();
    },
  };
}
