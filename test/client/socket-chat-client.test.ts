import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as IoSocket } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ConversationSummary } from '../../client/chat/chat-client.js';
import { SocketChatClient, type ChatSocket } from '../../client/chat/socket-chat-client.js';
import type { ClientToServerEvents, SendMessageInput, ServerToClientEvents } from '../../src/contract/chat.js';

// A stand-in server speaking the protocol over a real Socket.IO connection, recording what the
// browser adapter sends and on which connection.

const summary: ConversationSummary = {
  id: 'conv-1',
  status: 'open',
  channel: 'web',
  customer: { id: 'cust-1', username: 'maria', language: 'ES' },
  repIds: [],
  lastMessagePreview: '',
  lastMessageLanguage: null,
  lastActivityAt: '2026-01-01T10:00:00.000Z',
  unread: 0,
};

function stored(input: SendMessageInput): ChatMessage {
  return {
    id: `m-${input.clientId}`,
    conversationId: input.conversationId,
    clientId: input.clientId,
    authorId: 'cust-1',
    authorName: 'maria',
    authorRole: 'customer',
    body: input.body,
    language: 'ES',
    createdAt: '2026-01-01T10:01:00.000Z',
  };
}

interface Recorded {
  connection: string;
  event: 'join' | 'send';
  clientId?: string;
}

let http: HttpServer | undefined;
let ioServer: Server<ClientToServerEvents, ServerToClientEvents> | undefined;
let socket: ChatSocket | undefined;
type ServerSocket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

afterEach(async () => {
  socket?.disconnect();
  await new Promise<void>((done) => (ioServer ? ioServer.close(() => done()) : done()));
  http = undefined;
});

/** Starts the stand-in server; `onSend` decides per send whether to ack or drop the connection. */
async function start(onSend: (input: SendMessageInput, attempt: number) => 'ack' | 'drop' | 'refuse') {
  http = createServer();
  ioServer = new Server(http);
  const recorded: Recorded[] = [];
  const attempts = new Map<string, number>();
  ioServer.on('connection', (server) => {
    server.on('conversation:join', (_input, ack) => {
      recorded.push({ connection: server.id, event: 'join' });
      ack({ ok: true, conversation: summary });
    });
    server.on('message:send', (input, ack) => {
      recorded.push({ connection: server.id, event: 'send', clientId: input.clientId });
      const attempt = (attempts.get(input.clientId) ?? 0) + 1;
      attempts.set(input.clientId, attempt);
      const decision = onSend(input, attempt);
      if (decision === 'drop') server.conn.close();
      else if (decision === 'refuse') ack({ ok: false, error: { code: 'closed', message: 'The conversation is closed.' } });
      else ack({ ok: true, message: stored(input) });
    });
  });
  await new Promise<void>((done) => http?.listen(0, '127.0.0.1', done));
  const { port } = http.address() as AddressInfo;
  socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 50 });
  return { client: new SocketChatClient(socket, { ackTimeoutMs: 5_000 }), recorded };
}

describe('SocketChatClient resend on reconnect', () => {
  it('when the connection drops before the ack, then it re-joins and resends the message with the same clientId', async () => {
    const { client, recorded } = await start((_input, attempt) => (attempt === 1 ? 'drop' : 'ack'));
    await client.join('conv-1');

    const message = await client.send('conv-1', 'client-1', 'Hola, ¿hay alguien?');

    expect(message).toMatchObject({ id: 'm-client-1', clientId: 'client-1', body: 'Hola, ¿hay alguien?' });
    const [firstJoin, firstSend, rejoin, resend] = recorded;
    expect(recorded.map(({ event, clientId }) => [event, clientId])).toEqual([
      ['join', undefined],
      ['send', 'client-1'],
      ['join', undefined],
      ['send', 'client-1'],
    ]);
    expect(firstSend?.connection).toBe(firstJoin?.connection);
    expect(rejoin?.connection).not.toBe(firstJoin?.connection);
    expect(resend?.connection).toBe(rejoin?.connection);
    expect(client.pendingClientIds()).toEqual([]);
  });

  it('when the server refuses a message, then the send rejects with its code and nothing is resent', async () => {
    const { client, recorded } = await start(() => 'refuse');
    await client.join('conv-1');

    await expect(client.send('conv-1', 'client-2', 'hola')).rejects.toMatchObject({ code: 'closed' });
    expect(recorded.filter((entry) => entry.event === 'send')).toHaveLength(1);
    expect(client.pendingClientIds()).toEqual([]);
  });

  it('when the server pushes a new message, then the page gets it as the message event', async () => {
    const { client } = await start(() => 'ack');
    await client.join('conv-1');
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));

    ioServer?.emit('message:new', stored({ conversationId: 'conv-1', clientId: 'pushed', body: 'hi' }));

    await vi.waitFor(() => expect(received.map((message) => message.clientId)).toEqual(['pushed']));
  });

  it('when the dashboard feed sends rows, then each comes as conversationUpdated with this rep\'s own unread count, or the queue\'s', async () => {
    const { client, server } = await startDashboard();
    const updates: ConversationSummary[] = [];
    client.on('conversationUpdated', (update) => updates.push(update));

    server().emit('conversations:updated', {
      conversations: [
        { ...summary, id: 'joined', unread: 4, unreadByRep: { 'rep-1': 1, 'rep-2': 3 } },
        { ...summary, id: 'queue', unread: 4, unreadByRep: { 'rep-2': 3 } },
      ],
      activity: [],
    });

    await vi.waitFor(() => expect(updates.map((update) => [update.id, update.unread])).toEqual([['joined', 1], ['queue', 4]]));
    expect(updates[0]).not.toHaveProperty('unreadByRep');
  });

  it('when the feed sends activity, then a held row is merged and a row it lacks is asked for with dashboard:rows', async () => {
    const { client, server, asked } = await startDashboard();
    const updates: ConversationSummary[] = [];
    client.on('conversationUpdated', (update) => updates.push(update));
    await client.subscribeDashboard();
    const activity = (id: string, preview: string) => ({ id, lastMessagePreview: preview, lastMessageLanguage: 'ES', lastActivityAt: '2026-01-01T10:05:00.000Z', unread: 2, unreadByRep: { 'rep-1': 1 } });

    server().emit('conversations:updated', { conversations: [], activity: [activity('conv-1', 'Hola'), activity('elsewhere', 'Buenas')] });

    await vi.waitFor(() => expect(updates.map((update) => [update.id, update.lastMessagePreview, update.unread])).toEqual([['conv-1', 'Hola', 1], ['elsewhere', 'Buenas', 1]]));
    expect(asked).toEqual([['elsewhere']]);
    expect(updates[0]).toMatchObject({ customer: summary.customer, status: 'open' });
    expect(client.dashboardRowCount()).toBe(2);
  });

  it('when the connection comes back, then the dashboard subscribes again and asks again for the rows it held beyond the fresh page', async () => {
    const { client, server, asked } = await startDashboard();
    await client.subscribeDashboard();
    server().emit('conversations:updated', { conversations: [{ ...summary, id: 'elsewhere', unreadByRep: {} }], activity: [] });
    await vi.waitFor(() => expect(client.dashboardRowCount()).toBe(2));
    const updates: ConversationSummary[] = [];
    client.on('conversationUpdated', (update) => updates.push(update));

    server().conn.close();

    await vi.waitFor(() => expect(asked).toEqual([['elsewhere']]));
    await vi.waitFor(() => expect(updates.map((update) => update.id).sort()).toEqual(['conv-1', 'elsewhere']));
  });
});

/** A stand-in server for the dashboard: its first page is `summary`, and it answers dashboard:rows for any id. */
async function startDashboard() {
  http = createServer();
  ioServer = new Server(http);
  const asked: string[][] = [];
  let latest: ServerSocket | undefined;
  ioServer.on('connection', (connection) => {
    latest = connection;
    connection.on('dashboard:subscribe', (ack) => ack({ ok: true, conversations: [summary] }));
    connection.on('dashboard:rows', ({ ids }, ack) => {
      asked.push(ids);
      ack({ ok: true, conversations: ids.map((id) => ({ ...summary, id, unread: 1 })) });
    });
  });
  await new Promise<void>((done) => http!.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  socket = io(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 50 }) as ChatSocket;
  const client = new SocketChatClient(socket, { viewerId: 'rep-1', ackTimeoutMs: 5_000 });
  await vi.waitFor(() => expect(latest).toBeDefined());
  return { client, asked, server: () => latest! };
}
