import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { ZodType } from 'zod';
import { toSummary, type ConversationsFeature, type ConversationView } from '../conversations/index.js';
import { toAppError } from '../lib/error-middleware.js';
import { AppError, NotFoundError, UnauthorizedError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ack, ChatMessage, ClientToServerEvents, ServerToClientEvents, User } from '../contract/chat.js';
import { cachedSignInCheck, defaultGuardSettings, eventLimits, type SocketAccess, type SocketEvent, type SocketGuardSettings } from './socket-guards.js';
import { createDashboardFeed } from './dashboard-feed.js';
import { startSignInSweep } from './sign-in-sweep.js';
import { conversationRefSchema, dashboardRowsSchema, historyRequestSchema, readMarkSchema, sendMessageSchema } from './socket.schemas.js';
import { messagingReadMarks, type ReadMarkCoalescer } from './read-mark-coalescer.js';

interface SocketData {
  user: User;
  /** The express-session id of the handshake: the login this socket acts for. */
  sessionId: string;
}
type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type DashboardFeed = ReturnType<typeof createDashboardFeed>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  feature: ConversationsFeature;
  /** The app's [session, passport.initialize(), passport.session()]: same cookie, same login. */
  sessionMiddleware: RequestHandler[];
  /** The accounts feature (createAuth): logouts close sockets, events re-check the sign-in. */
  access: SocketAccess;
  /** Sign-in cache time, rate limits and clock; defaultGuardSettings for what is omitted. */
  guards?: Partial<SocketGuardSettings>;
  logger: Logger;
  trustProxy: boolean;
  /** Socket.IO adapter spanning app instances (createRedisAdapter); in-memory when omitted. */
  adapter?: ServerOptions['adapter'];
  /** How long dashboard and room updates are collected before they go out (default 250 ms). */
  updateWindowMs?: number;
  /**
   * Sockets without a session cookie (the chat widget's frame on another site): who the
   * handshake's `auth` names, and the id its sign-in is re-checked by (SocketAccess answers for it).
   */
  authenticate?: (auth: unknown) => Promise<{ user: User; sessionId: string } | undefined>;
}

const defaultUpdateWindowMs = 250;

export const dashboardRoom = 'dashboard';
export const conversationRoom = (id: string) => `conversation:${id}`;
/** Every socket of a user, on every instance (the adapter carries room operations across). */
export const userRoom = (id: string) => `user:${id}`;

/**
 * Browsers always send Origin on WebSocket and cross-site requests; a foreign one means another
 * site is trying to use the visitor's cookie (cross-site WebSocket hijacking).
 */
export function isSameOrigin(req: IncomingMessage, trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  const forwarded = trustProxy ? String(req.headers['x-forwarded-host'] ?? '').split(',')[0]?.trim() : '';
  try {
    return new URL(origin).host === (forwarded || req.headers.host);
  } catch {
    return false;
  }
}

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Session middleware runs on the handshake only, not on every polling request. */
function onlyForHandshake(middleware: RequestHandler): EngineMiddleware {
  return (req, res, next) => {
    const isHandshake = (req as IncomingMessage & { _query?: Record<string, string> })._query?.sid === undefined;
    if (!isHandshake) return next();
    (middleware as unknown as EngineMiddleware)(req, res, next);
  };
}

/** Runs one event: a result acks `{ ok: true, ...result }`, an error acks its code and message. */
function respond<T extends object>(logger: Logger, ack: unknown, work: () => Promise<T>): Promise<void> {
  const reply = typeof ack === 'function' ? (ack as (result: Ack<T>) => void) : () => {};
  return work().then(
    (result) => reply({ ok: true, ...result }),
    (error: unknown) => {
      const appError = toAppError(error);
      if (!appError.operational) logger.error({ err: error }, 'socket event failed');
      reply({ ok: false, error: { code: appError.code, message: appError.message } });
    },
  );
}

function parse<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError('That request is not valid.');
  return parsed.data;
}

export function attachRealtime(httpServer: HttpServer, deps: RealtimeDeps) {
  const { feature, logger } = deps;
  const io: ChatServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    allowRequest: (req, callback) => callback(null, isSameOrigin(req, deps.trustProxy)),
  });
  for (const middleware of deps.sessionMiddleware) io.engine.use(onlyForHandshake(middleware));
  io.use((socket, next) => {
    const { user, sessionID } = socket.request as IncomingMessage & { user?: User; sessionID?: string };
    const { authenticate } = deps;
    // A handshake naming its own credentials is judged by them alone, whatever cookie came along.
    if (authenticate && Object.keys(socket.handshake.auth).length > 0) {
      authenticate(socket.handshake.auth).then(
        (found) => (found ? ((socket.data = found), next()) : next(new Error('unauthorized'))),
        () => next(new Error('unauthorized')),
      );
      return;
    }
    if (!user || !sessionID) return next(new Error('unauthorized'));
    socket.data = { user, sessionId: sessionID };
    next();
  });
  const guards = createGuards(deps);
  const readMarks = messagingReadMarks(feature.messaging, logger, guards.settings.readMarkWindowMs);
  io.on('connection', (socket) => {
    void socket.join(userRoom(socket.data.user.id));
    registerHandlers(socket, deps, guards, readMarks);
  });
  // Through the adapter: with Redis, the user's sockets on the other instances close too.
  const stopLogouts = deps.access.onLogout((userId) => io.in(userRoom(userId)).disconnectSockets(true));
  const stopSweep = startSignInSweep({
    sockets: () => io.of('/').sockets.values(),
    access: deps.access,
    cache: guards.signIns,
    everyMs: guards.settings.signInSweepMs,
    logger,
  });

  const dashboardFeed = createDashboardFeed({
    io, dashboardRoom, conversationRoom, windowMs: deps.updateWindowMs ?? defaultUpdateWindowMs, logger,
  });
  const unsubscribe = subscribeToConversationEvents(io, feature, dashboardFeed);
  logger.info('realtime transport attached (Socket.IO)');
  return {
    io,
    /**
     * Drops every connection but leaves the HTTP server to its owner (it drains requests). No
     * Socket.IO "disconnect" packet: clients take that as final and stay offline, while a dropped
     * transport makes them reconnect (to this app once restarted, or to another instance) and resend.
     */
    close: async () => {
      stopLogouts();
      stopSweep();
      await readMarks.close();
      unsubscribe();
      dashboardFeed.close();
      io.engine.close();
      await io.of('/').adapter.close();
    },
  };
}

/** Checks shared by this instance's sockets: the cached sign-in check (swept) and the per-user rate limits. */
function createGuards(deps: RealtimeDeps) {
  const settings: SocketGuardSettings = { ...defaultGuardSettings, ...deps.guards };
  const signIns = cachedSignInCheck(deps.access, settings);
  const allow = eventLimits(settings, (error) => deps.logger.error({ err: error }, 'socket rate limit unavailable; event allowed'));
  return { settings, signIns, allow };
}
type Guards = ReturnType<typeof createGuards>;

const rateLimited = (what = 'sending messages') =>
  new AppError(429, 'rate_limited', `You are ${what} too quickly. Wait a few seconds, then try again.`);

function registerHandlers(socket: ChatSocket, deps: RealtimeDeps, guards: Guards, readMarks: ReadMarkCoalescer): void {
  const { feature, logger } = deps;
  const { user, sessionId } = socket.data;
  /**
   * Runs an event once the sign-in is re-checked (a disabled rep, a logout elsewhere): a socket
   * that is no longer signed in gets its ack, then is closed for good (clients do not reconnect).
   */
  const run = <T extends object>(ack: unknown, work: () => Promise<T>) => {
    let signedOut = false;
    void respond(logger, ack, async () => {
      signedOut = !(await guards.signIns.isSignedIn(user.id, sessionId));
      if (signedOut) throw new UnauthorizedError('Your session has ended. Please log in again.');
      return work();
    }).then(() => {
      if (signedOut) socket.disconnect(true);
    });
  };

  /** Refuses the event (acked `rate_limited`) when the user is over the limit for its kind. */
  const within = async (event: SocketEvent, what?: string) => {
    if (!(await guards.allow[event](user.id))) throw rateLimited(what);
  };

  socket.on('conversation:join', (input, ack) =>
    run(ack, async () => {
      await within('joins', 'switching conversations');
      const { conversationId } = parse(conversationRefSchema, input);
      const view = await feature.conversations.getForUser(user, conversationId);
      await socket.join(conversationRoom(view.id));
      return { conversation: toSummary(view, user) };
    }),
  );
  socket.on('conversation:leave', (input) => {
    const parsed = conversationRefSchema.safeParse(input);
    if (parsed.success) void socket.leave(conversationRoom(parsed.data.conversationId.toLowerCase()));
  });
  socket.on('message:send', (input, ack) =>
    run(ack, async () => {
      await within('messages');
      return { message: (await feature.messaging.send(user, parse(sendMessageSchema, input))).message };
    }),
  );
  socket.on('messages:history', (input, ack) =>
    run(ack, async () => {
      await within('history', 'loading history');
      return feature.messaging.history(user, parse(historyRequestSchema, input));
    }),
  );
  // No ack: an excess read mark is dropped silently (the next one within the limit marks the same).
  // Written with the reader's other marks of the window (authorized then), the newest one only.
  socket.on('conversation:read', (input) =>
    run(undefined, async () => {
      await within('reads');
      const { conversationId, messageId } = parse(readMarkSchema, input);
      readMarks.mark({ user, conversationId, ...(messageId ? { messageId } : {}) });
      return {};
    }),
  );
  socket.on('typing', (input) => {
    const parsed = conversationRefSchema.safeParse(input);
    const room = parsed.success ? conversationRoom(parsed.data.conversationId.toLowerCase()) : '';
    // Joining the room was the authorization: only members may signal typing into it.
    if (!parsed.success || !socket.rooms.has(room)) return;
    void guards.allow.typing(user.id).then((allowed) => {
      if (allowed) socket.to(room).emit('typing', { conversationId: parsed.data.conversationId, userId: user.id, username: user.username });
    });
  });
  socket.on('dashboard:subscribe', (ack) =>
    run(ack, async () => {
      await within('dashboard', 'reloading the dashboard');
      // Customers never get dashboard rows (the service refuses them too, but only after the join).
      if (user.role !== 'rep') throw new NotFoundError('We could not find that conversation.');
      // Joined first: a change made while the page is read reaches this socket, before or after
      // the answer, instead of falling between the read and the join.
      await socket.join(dashboardRoom);
      try {
        return { conversations: (await feature.conversations.dashboard(user)).conversations };
      } catch (error) {
        await socket.leave(dashboardRoom);
        throw error;
      }
    }),
  );
  socket.on('dashboard:rows', (input, ack) =>
    run(ack, async () => {
      await within('dashboardRows', 'reloading the dashboard');
      const { ids } = parse(dashboardRowsSchema, input);
      return { conversations: await feature.conversations.dashboardRows(user, ids) };
    }),
  );
}

/** A private note: to the reps' sockets in the room only, never to the customer's (any instance). */
async function emitNote(io: ChatServer, note: ChatMessage, view: ConversationView) {
  for (const socket of await io.in(conversationRoom(view.id)).fetchSockets()) {
    if (socket.data.user.role === 'rep') socket.emit('message:new', note);
  }
}

function subscribeToConversationEvents(io: ChatServer, feature: ConversationsFeature, dashboardFeed: DashboardFeed): () => void {
  const { events } = feature;
  const onCreated = (view: ConversationView) => dashboardFeed.created(view);
  const onUpdated = (view: ConversationView) => dashboardFeed.changed(view, 'other');
  // Only the conversation's room: dashboards learn of the message from its row's activity (preview, unread).
  const onMessage: Parameters<typeof events.on<'message'>>[1] = (message, view) => {
    io.to(conversationRoom(view.id)).emit('message:new', message);
    dashboardFeed.changed(view, 'message');
  };
  // Assignment news goes to reps only: the new owner's own sockets, and the reps' dashboards.
  const onAssigned: Parameters<typeof events.on<'assigned'>>[1] = (view, change) => {
    if (change.reason === 'joined') return;
    const notice = { conversationId: view.id, customerName: view.customer.username, fromName: change.byName ?? '', note: change.note };
    io.to(userRoom(change.to.id)).emit('conversation:handed-over', notice);
  };
  const onTeam: Parameters<typeof events.on<'team'>>[1] = (team) => io.to(dashboardRoom).emit('team:updated', team);
  events.on('created', onCreated);
  events.on('updated', onUpdated);
  events.on('message', onMessage);
  const onNote = (note: ChatMessage, view: ConversationView) => void emitNote(io, note, view);
  events.on('note', onNote);
  events.on('assigned', onAssigned);
  events.on('team', onTeam);
  return () => {
    events.off('note', onNote);
    events.off('created', onCreated);
    events.off('updated', onUpdated);
    events.off('message', onMessage);
    events.off('assigned', onAssigned);
    events.off('team', onTeam);
  };
}
