import { timingSafeEqual } from 'node:crypto';
import cookieParser from 'cookie-parser';
import type { Request } from 'express';
import type { SessionData, Store } from 'express-session';
import { LRUCache } from 'lru-cache';
import type { User } from '../contract/chat.js';
import type { Logger } from '../lib/logger.js';
import { isLoginCurrent } from './login-lifetime.js';
import { SESSION_COOKIE } from './session.js';
import type { UserService } from './user.service.js';

/** What express-session, passport and csrf-sync keep in a logged-in session. */
type LoggedInSession = SessionData & { passport?: { user?: unknown }; csrfToken?: unknown; lastModified?: Date };

export interface ApiSignInOptions {
  store: Store;
  /** The session secret(s), as express-session is given them (the first one signs). */
  secret: string | string[];
  users: Pick<UserService, 'findActiveAccount'>;
  absoluteMs: number;
  logger?: Logger;
}

/**
 * The user a JSON API call acts for, read from the signed session cookie with the same rules as
 * the page stack (express-session, passport, endDroppedLogins, the CSRF check), without their
 * per-request work: no session object, no hashing it twice, no second cookie parse. It only ever
 * says yes: anything it cannot confirm (no or badly signed cookie, unknown or expired session,
 * login dropped or revoked, token missing, only in the body, or wrong) answers undefined, and the
 * caller hands the request to the full stack, which answers as it always has (401, 403, the
 * dropped session deleted).
 */
export function createApiSignIn(options: ApiSignInOptions): (req: Request) => Promise<User | undefined> {
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  // Cookie headers whose session cookie's signature was checked (the same header always checks
  // the same way; bounded by their size too), and the sessions touched in the last second: a
  // reader's page calls many times a second.
  const verified = new LRUCache<string, string>({ max: 10_000, maxSize: 8 * 1024 * 1024, sizeCalculation: (sid, header) => (header.length + sid.length) * 2 + 64 });
  const touched = new LRUCache<string, true>({ max: 10_000, ttl: 1_000 });
  return async (req) => {
    const token = req.headers['x-csrf-token'];
    if (typeof token !== 'string' || token === '') return undefined;
    const header = req.headers.cookie;
    if (!header) return undefined;
    let sessionId = verified.get(header);
    if (sessionId === undefined) {
      sessionId = signedSessionId(sessionCookie(header), secrets);
      if (!sessionId) return undefined;
      verified.set(header, sessionId);
    }
    const session = await loadSession(options.store, sessionId);
    if (!session || !sameToken(session.csrfToken, token)) return undefined;
    const userId = session.passport?.user;
    if (typeof userId !== 'string') return undefined;
    const account = await options.users.findActiveAccount(userId);
    if (!account || !isLoginCurrent(session.loginAt, account.sessionsValidAfter, options.absoluteMs)) return undefined;
    if (!touched.has(sessionId)) {
      touched.set(sessionId, true);
      touch(options, sessionId, session);
    }
    return account.user;
  };
}

/** The first `parley.sid` cookie, decoded as express-session reads it (cookie.parse keeps the first). */
function sessionCookie(header: string | undefined): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== SESSION_COOKIE) continue;
    const raw = pair.slice(equals + 1).trim();
    try {
      return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The session id of an `s:`-signed cookie value, checked against each secret as express-session does. */
function signedSessionId(value: string | undefined, secrets: readonly string[]): string | undefined {
  if (!value?.startsWith('s:')) return undefined;
  const id = cookieParser.signedCookie(value, [...secrets]);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function sameToken(stored: unknown, received: string): boolean {
  if (typeof stored !== 'string' || stored.length !== received.length) return false;
  return timingSafeEqual(Buffer.from(stored), Buffer.from(received));
}

/** A store that lends the session it holds without copying it (CachedSessionStore). */
interface PeekableStore {
  peek(sid: string): Readonly<SessionData> | undefined;
}

const canPeek = (store: Store): store is Store & PeekableStore => typeof (store as Partial<PeekableStore>).peek === 'function';

/** Read only: the session is never changed here (touch() writes a changed copy). */
function loadSession(store: Store, sessionId: string): Promise<LoggedInSession | undefined> {
  const held = canPeek(store) ? store.peek(sessionId) : undefined;
  if (held) return Promise.resolve(held as LoggedInSession);
  return new Promise((done) => {
    // A store error is left to the full stack to report (it reads the session again).
    store.get(sessionId, (error: unknown, session?: SessionData | null) => done(error || !session ? undefined : (session as LoggedInSession)));
  });
}

/**
 * What express-session does at the end of every request on an unchanged session: the idle
 * lifetime starts again (the store writes that at most once per `touchAfter`; here it is asked
 * at most once a second per session).
 */
function touch(options: ApiSignInOptions, sessionId: string, session: LoggedInSession): void {
  const maxAge = session.cookie?.originalMaxAge;
  if (!options.store.touch || typeof maxAge !== 'number') return;
  const touched = { ...session, cookie: { ...session.cookie, expires: new Date(Date.now() + maxAge) } };
  options.store.touch(sessionId, touched as SessionData, (error?: unknown) => {
    if (error) options.logger?.warn({ err: error }, 'could not extend a session');
  });
}
