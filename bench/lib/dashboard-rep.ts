import { io, type Socket } from 'socket.io-client';
import { DashboardRows } from '../../client/chat/dashboard-rows.js';
import { createUserService } from '../../src/auth/index.js';
import type { ClientToServerEvents, ConversationSummary, ServerToClientEvents } from '../../src/contract/chat.js';
import { signIn } from '../../test/support/chat-users.js';

export type RepSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A dashboard rep: their socket, and each row as the dashboard shows it after every change. */
export interface DashboardRep {
  socket: RepSocket;
  onRow(listener: (summary: ConversationSummary) => void): void;
}

/**
 * A new English-speaking rep, signed in through the form, with the dashboard subscribed over a
 * socket. Rows are kept as the page keeps them (client/chat/dashboard-rows.ts): activity merged
 * into held rows, rows it lacks asked for with `dashboard:rows`, so this costs what a page does.
 */
export async function connectDashboardRep(url: string): Promise<DashboardRep> {
  const password = 'bench password 123';
  const rep = await createUserService({ bcryptCost: 4 }).createUser('rep', { username: `bench_rep_${Date.now().toString(36)}`, password, language: 'EN-US' });
  const session = await signIn({ url }, 'rep', { user: rep, username: rep.username, password });
  const socket: RepSocket = io(url, { transports: ['websocket'], extraHeaders: { cookie: session.cookie, origin: url }, forceNew: true });
  const listeners: ((summary: ConversationSummary) => void)[] = [];
  const rows = new DashboardRows({
    viewerId: rep.id,
    fetch: async (ids) => {
      const answer = await socket.timeout(10_000).emitWithAck('dashboard:rows', { ids });
      if (!answer.ok) throw new Error(answer.error.code);
      return answer.conversations;
    },
    onRow: (summary) => listeners.forEach((listener) => listener(summary)),
  });
  socket.on('conversation:created', (summary) => rows.hold([summary]));
  socket.on('conversations:updated', (update) => rows.receive(update));
  await new Promise<void>((done) => socket.once('connect', () => done()));
  const subscribed = await socket.emitWithAck('dashboard:subscribe');
  if (subscribed.ok) rows.hold(subscribed.conversations);
  return { socket, onRow: (listener) => listeners.push(listener) };
}
