import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { Composition } from '../../src/composition.js';
import type { ClientToServerEvents, Role, ServerToClientEvents } from '../../src/contract/chat.js';
import { csrfToken, extractCsrfToken, loginAgent, type TestAccount } from '../support/auth.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The composed app (composeTestApp) on a real listening HTTP server with Socket.IO attached, as
 * src/server.ts does. Its `realtimeGuards` override sign-in cache time, rate limits or clock.
 */
export async function startRealtimeServer(composition: Composition) {
  const server: Server = createServer(composition.app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const realtime = await composition.attach(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: ChatSocket[] = [];
  return {
    url,
    server,
    realtime,
    /** A socket.io-client connection carrying these headers (a session cookie, an Origin). */
    connect(headers: Record<string, string> = {}): ChatSocket {
      const socket: ChatSocket = connect(url, { transports: ['websocket'], extraHeaders: headers, forceNew: true, reconnection: false });
      sockets.push(socket);
      return socket;
    },
    /** A connected socket of the login behind this session cookie, from this server's own origin. */
    async signedIn(cookie: string): Promise<ChatSocket> {
      const socket: ChatSocket = connect(url, { transports: ['websocket'], extraHeaders: { cookie, origin: url }, forceNew: true, reconnection: false });
      sockets.push(socket);
      await connected(socket);
      return socket;
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Logs in through the real login form and returns the session cookie header value. */
export async function sessionCookie(app: Express, role: Role, credentials: { username: string; password: string }): Promise<string> {
  const page = await request(app).get(`/auth/${role}/login`);
  const preLogin = (page.headers['set-cookie'] as unknown as string[] | undefined)?.map((c) => c.split(';')[0]).join('; ') ?? '';
  const res = await request(app)
    .post(`/auth/${role}/login`)
    .set('Cookie', preLogin)
    .type('form')
    .send({ ...credentials, _csrf: extractCsrfToken(page.text) });
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  if (res.status !== 303 || !cookies) throw new Error(`login answered ${res.status}`);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

export function connected(socket: ChatSocket): Promise<void> {
  return new Promise((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', fail);
  });
}

export function connectError(socket: ChatSocket): Promise<Error> {
  return new Promise((done, fail) => {
    socket.once('connect', () => fail(new Error('connected, but should have been refused')));
    socket.once('connect_error', done);
  });
}

/** The customer starts (or resumes) their conversation through the real form; answers its id. */
export async function startConversation(app: Express, account: TestAccount): Promise<string> {
  const agent = await loginAgent(app, { role: 'customer', ...account });
  const res = await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent) });
  return res.headers.location!.split('/').pop()!;
}
