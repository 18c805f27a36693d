import type { SessionData, Store } from 'express-session';
import type { UserService } from './user.service.js';

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

/**
 * Whether a connection opened with this session may still act as this user: the session still
 * exists (no logout, not expired) and still belongs to the user, and the account is neither
 * disabled nor deleted. Long-lived connections (Socket.IO) cache the answer briefly.
 */
export function signInCheck(store: Store, users: Pick<UserService, 'findActiveUser'>) {
  return async (userId: string, sessionId: string): Promise<boolean> => {
    const [session, user] = await Promise.all([loadSession(store, sessionId), users.findActiveUser(userId)]);
    return user !== null && belongsTo(session, userId);
  };
}

/**
 * The same check for many connections at once, with one read of the sessions and one of the
 * users (fresh, not cached): answers the signInKey of each pair still signed in.
 */
export function signedInAmong(store: Store, users: Pick<UserService, 'findActiveUsers'>) {
  return async (pairs: readonly SignInPair[]): Promise<Set<string>> => {
    const [sessions, active] = await Promise.all([
      loadSessions(store, [...new Set(pairs.map((pair) => pair.sessionId))]),
      users.findActiveUsers([...new Set(pairs.map((pair) => pair.userId))]),
    ]);
    return new Set(pairs.filter((pair) => active.has(pair.userId) && belongsTo(sessions.get(pair.sessionId), pair.userId)).map(signInKey));
  };
}
