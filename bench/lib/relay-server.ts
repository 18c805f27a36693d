/**
 * The capacity benchmark's reference (a): a bare Socket.IO relay speaking the two events the load
 * generator uses. It receives a message, acks it and emits it to the conversation's room: no
 * login, database, translation or dashboard. Parley's cost per message is read against it.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from '../../src/contract/chat.js';

const server = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, { serveClient: false });
const room = (conversationId: string) => `conversation:${conversationId}`;

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { userId?: unknown; language?: unknown };
  const userId = String(auth.userId ?? '');
  const language = String(auth.language ?? 'EN-US');
  socket.on('conversation:join', ({ conversationId }, ack) => {
    void socket.join(room(conversationId));
    const customer = { id: conversationId, username: 'customer', language: 'ES' };
    ack({
      ok: true,
      conversation: { id: conversationId, status: 'open', channel: 'web', customer, repIds: [], lastMessagePreview: '', lastMessageLanguage: null, lastActivityAt: new Date().toISOString(), unread: 0 },
    });
  });
  socket.on('message:send', ({ conversationId, clientId, body }, ack) => {
    const message: ChatMessage = {
      id: randomUUID(), conversationId, clientId, authorId: userId, authorName: userId, authorRole: 'customer', body, language, createdAt: new Date().toISOString(),
    };
    ack({ ok: true, message });
    io.to(room(conversationId)).emit('message:new', message);
  });
});

server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
