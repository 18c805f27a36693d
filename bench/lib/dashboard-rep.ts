import { io, type Socket } from 'socket.io-client';
import { createUserService } from '../../src/auth/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contract/chat.js';
import { signIn } from '../../test/support/chat-users.js';

export type RepSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A new English-speaking rep, signed in through the form, with the dashboard subscribed over a socket. */
export async function connectDashboardRep(url: string): Promise<RepSocket> {
  const password = 'bench password 123';
  const rep = await createUserService({ bcryptCost: 4 }).createUser('rep', { username: `bench_rep_${Date.now().toString(36)}`, password, language: 'EN-US' });
  const session = await signIn({ url }, 'rep', { user: rep, username: rep.username, password });
  const socket: RepSocket = io(url, { transports: ['websocket'], extraHeaders: { cookie: session.cookie, origin: url }, forceNew: true });
  await new Promise<void>((done) => socket.once('connect', () => done()));
  await socket.emitWithAck('dashboard:subscribe');
  return socket;
}
