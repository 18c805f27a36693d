import type { SessionData, Store } from 'express-session';
import type { UserService } from './user.service.js';

/** The user id passport keeps in a logged-in session. */
type LoggedInSession = SessionData & { passport?: { user?: unknown } };

function loadSession(store: Store, sessionId: string): Promise<LoggedInSession | null> {
  return new Promise((done, fail) =>
    store.get(sessionId, (error: unknown, session?: SessionData | null) => (error ? fail(error) : done(session ?? null))),
  );
}

/**
 * Whether a connection opened with this session may still act as this user: the session still
 * exists (no logout, not expired) and still belongs to the user, and the account is neither
 * disabled nor deleted. Uncached; long-lived connections (Socket.IO) cache the answer briefly.
 */
export function signInCheck(store: Store, users: Pick<UserService, 'findActiveUser'>) {
  return async (userId: string, sessionId: string): Promise<boolean> => {
    const [session, user] = await Promise.all([loadSession(store, sessionId), users.findActiveUser(userId)]);
    return user !== null && String(session?.passport?.user ?? '') === userId;
  };
}
