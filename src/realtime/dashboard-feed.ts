import type { Server } from 'socket.io';
import type { ClientToServerEvents, DashboardRow, ServerToClientEvents, User } from '../contract/chat.js';
import { toSummary, type ConversationView } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';

interface FeedSocketData {
  user: User;
}
type FeedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, FeedSocketData>;

/** The dashboard row: the same for every rep, with the joined reps' own unread counters. */
export function toDashboardRow(view: ConversationView): DashboardRow {
  const unreadByRep: Record<string, number> = {};
  for (const rep of view.reps) unreadByRep[rep.id] = toSummary(view, { id: rep.id, role: 'rep' }).unread;
  return { ...toSummary(view, { id: '', role: 'rep' }), unreadByRep };
}

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
 */
export function createDashboardFeed(options: DashboardFeedOptions) {
  const { io } = options;
  const pending = new Map<string, ConversationView>();
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
    const views = [...pending.values()];
    pending.clear();
    if (views.length === 0) return;
    io.to(options.dashboardRoom).emit('conversations:updated', { conversations: views.map(toDashboardRow) });
    for (const view of views) {
      toRoom(view).catch((error: unknown) => options.logger.warn({ err: error, conversationId: view.id }, 'conversation update not sent to its room'));
    }
  }

  return {
    /** A conversation changed: its latest state goes out with the window's other changes. */
    changed(view: ConversationView): void {
      pending.set(view.id, view);
      timer ??= setTimeout(flush, options.windowMs);
    },
    /** Sends what is pending now (shutdown) and stops. */
    close(): void {
      clearTimeout(timer);
      flush();
    },
  };
}
