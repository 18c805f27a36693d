import type { SessionData, Store } from 'express-session';
import { isLoginCurrent } from './login-lifetime.js';
import type { ActiveAccount, UserService } from './user.service.js';

/** The user id passport keeps in a logged-in session. */
type LoggedInSession = SessionData & { passport?: { user?: unknown } };

/** A store that can read many sessions at once, fresh from the database (MongoSessionStore). */
interface BatchSessionReader {
  getMany(sessionIds: readonly string[]): Promise<Map<string, SessionData>>;
}

/** A connection's login: the user it acts for and the session it was opened with. */
export interface SignInPair {
  userId: string;
  sessionId: string;
}

export const signInKey = ({ userId, sessionId }: SignInPair): string => `${userId} ${sessionId}`;

function loadSession(store: Store, sessionId: string): Promise<LoggedInSession | null> {
  return new Promise((done, fail) =>
    store.get(sessionId, (error: unknown, session?: SessionData | null) => (error ? fail(error) : done(session ?? null))),
  );
}

function hasBatchReads(store: Store): store is Store & BatchSessionReader {
  return typeof (store as Partial<BatchSessionReader>).getMany === 'function';
}

/** Many sessions: in one read when the store can, else one read each. */
export async function loadSessions(store: Store, sessionIds: readonly string[]): Promise<Map<string, LoggedInSession>> {
  if (hasBatchReads(store)) return store.getMany(sessionIds);
  const sessions = await Promise.all(sessionIds.map((id) => loadSession(store, id)));
  return new Map(sessionIds.flatMap((id, index) => (sessions[index] ? [[id, sessions[index]] as const] : [])));
}

const belongsTo = (session: LoggedInSession | null | undefined, userId: string) => String(session?.passport?.user ?? '') === userId;

/** The session still holds this user's login, and that login still counts for the account. */
function holdsLogin(session: LoggedInSession | null | undefined, userId: string, account: ActiveAccount | null | undefined, absoluteMs: number): boolean {
  return Boolean(account) && belongsTo(session, userId) && isLoginCurrent(session?.loginAt, account?.sessionsValidAfter ?? null, absoluteMs);
}

/**
 * Whether a connection opened with this session may still act as this user: the session still
 * exists (no logout, not expired, within its absolute lifetime, not revoked) and still belongs to
 * the user, and the account is neither disabled nor deleted. Long-lived connections (Socket.IO)
 * cache the answer briefly.
 */
export function signInCheck(store: Store, users: Pick<UserService, 'findActiveAccount'>, absoluteMs: number) {
  return async (userId: string, sessionId: string): Promise<boolean> => {
    const [session, account] = await Promise.all([loadSession(store, sessionId), users.findActiveAccount(userId)]);
    return holdsLogin(session, userId, account, absoluteMs);
  };
}

/**
 * The same check for many connections at once, with one read of the sessions and one of the
 * users (fresh, not cached): answers the signInKey of each pair still signed in.
 */
export function signedInAmong(store: Store, users: Pick<UserService, 'findActiveAccounts'>, absoluteMs: number) {
  return async (pairs: readonly SignInPair[]): Promise<Set<string>> => {
    const [sessions, accounts] = await Promise.all([
      loadSessions(store, [...new Set(pairs.map((pair) => pair.sessionId))]),
      users.findActiveAccounts([...new Set(pairs.map((pair) => pair.userId))]),
    ]);
    const current = pairs.filter((pair) => holdsLogin(sessions.get(pair.sessionId), pair.userId, accounts.get(pair.userId), absoluteMs));
    return new Set(current.map(signInKey));
  };
}
