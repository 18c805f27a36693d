import type { Express } from 'express';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ChatMessage, ConversationSummary } from '../../src/contract/chat.js';
import type { Site } from '../../src/widget/index.js';
import { composeTestApp } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { connected, connectError, sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from '../realtime/socket-harness.js';
import { addSite, frameCall } from './widget-support.js';

useTestDatabase('widget_socket');

let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let app: Express;
const sockets: ChatSocket[] = [];

beforeAll(async () => {
  const composition = composeTestApp();
  app = composition.app;
  server = await startRealtimeServer(composition);
});
afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await server.close();
});

/** The frame's socket: its handshake names the token, the site and the host page's origin. */
function frameSocket(auth: Record<string, string>, origin = server.url): ChatSocket {
  const socket: ChatSocket = connect(server.url, { transports: ['websocket'], auth, extraHeaders: { origin }, forceNew: true, reconnection: false });
  sockets.push(socket);
  return socket;
}

async function visitorWithConversation(site: Site) {
  const { token } = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as { token: string };
  const started = await frameCall(app, '/widget/api/conversation', site, { token }).send({ language: 'ES', name: 'Ana' });
  return { token, conversationId: (started.body as { conversation: ConversationSummary }).conversation.id };
}

const emit = <T>(socket: ChatSocket, event: 'conversation:join' | 'message:send', payload: object) =>
  new Promise<Ack<T>>((done) => (socket.emit as (name: string, input: object, ack: (result: Ack<T>) => void) => void)(event, payload, done));

describe('the widget frame over Socket.IO', { timeout: 30_000 }, () => {
  it('when the frame connects with its token, then the visitor joins their conversation, writes, and receives the rep\'s answer', async () => {
    const site = await addSite();
    const { token, conversationId } = await visitorWithConversation(site);
    const visitor = frameSocket({ widgetToken: token, site: site.key, host: site.origin });
    await connected(visitor);
    const joined = await emit<{ conversation: ConversationSummary }>(visitor, 'conversation:join', { conversationId });
    expect(joined.ok).toBe(true);
    const sent = await emit<{ message: ChatMessage }>(visitor, 'message:send', { conversationId, clientId: 'widget-msg-1', body: 'Hola' });
    expect(sent.ok && sent.message.authorName).toBe('Ana');

    const rep = await createRep({ language: 'EN-US' });
    const repSocket = await server.signedIn(await sessionCookie(app, 'rep', rep));
    sockets.push(repSocket);
    const arrived = new Promise<ChatMessage>((done) => visitor.on('message:new', (message) => message.authorRole === 'rep' && done(message)));
    expect((await emit(repSocket, 'conversation:join', { conversationId })).ok).toBe(true);
    expect((await emit(repSocket, 'message:send', { conversationId, clientId: 'widget-rep-1', body: 'Hello' })).ok).toBe(true);
    expect((await arrived).body).toBe('Hello');
  });

  it('when the token is unknown, names another site or another host page, or comes from another origin, then the socket is refused', async () => {
    const site = await addSite();
    const other = await addSite();
    const { token } = await visitorWithConversation(site);
    await connectError(frameSocket({ widgetToken: 'pv_' + 'A'.repeat(43), site: site.key, host: site.origin }));
    await connectError(frameSocket({ widgetToken: token, site: other.key, host: other.origin }));
    await connectError(frameSocket({ widgetToken: token, site: site.key, host: 'https://evil.example' }));
    await connectError(frameSocket({ widgetToken: token, site: site.key, host: site.origin }, site.origin));
  });

  it('when a visitor asks for someone else\'s conversation, then it is not found for them', async () => {
    const site = await addSite();
    const { token } = await visitorWithConversation(site);
    const customer = await createCustomer();
    const theirs = await startConversation(app, customer);
    const visitor = frameSocket({ widgetToken: token, site: site.key, host: site.origin });
    await connected(visitor);
    const joined = await emit(visitor, 'conversation:join', { conversationId: theirs });
    expect(joined.ok ? 'joined' : joined.error.code).toBe('not_found');
  });
});
