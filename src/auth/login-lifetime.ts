declare module 'express-session' {
  interface SessionData {
    /** When the user logged in (ms since the epoch): the start of the session's absolute lifetime. */
    loginAt?: number;
  }
}

/**
 * Whether the login a session holds still counts: it began less than `absoluteMs` ago (idle
 * expiry alone would let a busy session live forever) and not before the account's sessions were
 * revoked (password reset, disabling). A session without a login time predates this rule and is
 * treated as over, so such a session cannot outlive the absolute lifetime either.
 */
export function isLoginCurrent(loginAt: unknown, sessionsValidAfter: Date | null, absoluteMs: number, now = Date.now()): boolean {
  if (typeof loginAt !== 'number' || !Number.isFinite(loginAt)) return false;
  if (now - loginAt >= absoluteMs) return false;
  return !sessionsValidAfter || loginAt >= sessionsValidAfter.getTime();
}
