import { LRUCache } from 'lru-cache';

/**
 * What the realtime server asks the accounts feature (structurally the Auth object, so realtime
 * never imports auth).
 */
export interface SocketAccess {
  /** Whether the session still exists and belongs to the user, whose account is still active. */
  isSignedIn(userId: string, sessionId: string): Promise<boolean>;
  /** The same for many at once (two database reads); answers `${userId} ${sessionId}` of those still signed in. */
  signedInAmong(pairs: readonly { userId: string; sessionId: string }[]): Promise<Set<string>>;
  /** Calls the listener with the user's id after each logout; answers the unsubscribe. */
  onLogout(listener: (userId: string) => void): () => void;
}

export interface RateLimit {
  /** Events allowed at once (the burst), and again over every window. */
  limit: number;
  windowMs: number;
}

export interface SocketGuardSettings {
  /** How long a sign-in check is trusted: the delay before a disabled rep or ended session is noticed. */
  signInCacheMs: number;
  /**
   * How often every connection on this instance is re-checked in one batch (0: never; keep it
   * below signInCacheMs so the answers are renewed before they expire). Idle
   * connections of a disabled rep or an ended session close then, and the answers for those still
   * signed in are cached, so a message rarely waits for a check of its own.
   */
  signInSweepMs: number;
  /** Messages per user (all their sockets on this instance). */
  messages: RateLimit;
  /** Typing signals per socket; the excess is dropped silently. */
  typing: RateLimit;
  /** Milliseconds clock for the limits and the cache; tests pass one they move by hand. */
  now: () => number;
}

export const defaultGuardSettings: SocketGuardSettings = {
  signInCacheMs: 5_000,
  signInSweepMs: 4_000,
  messages: { limit: 20, windowMs: 10_000 },
  typing: { limit: 5, windowMs: 1_000 },
  now: () => performance.now(),
};

/**
 * The sign-in check through a short-lived cache, so a message costs no database query most of
 * the time. The pending lookup itself is cached: a burst of events waits for one answer.
 */
/** How a connection's login is named in the sign-in cache and in SocketAccess.signedInAmong's answer. */
export const signInKey = (userId: string, sessionId: string): string => `${userId} ${sessionId}`;

export function cachedSignInCheck(access: Pick<SocketAccess, 'isSignedIn'>, settings: SocketGuardSettings) {
  const answers = new LRUCache<string, Promise<boolean>>({
    max: 50_000,
    ttl: settings.signInCacheMs,
    ttlResolution: 0,
    perf: { now: settings.now },
  });
  return {
    isSignedIn(userId: string, sessionId: string): Promise<boolean> {
      const key = signInKey(userId, sessionId);
      const cached = answers.get(key);
      if (cached) return cached;
      const answer = access.isSignedIn(userId, sessionId);
      answers.set(key, answer);
      // A failed lookup (database away) is asked again next time, not remembered.
      answer.catch(() => answers.delete(key));
      return answer;
    },
    /** An answer found another way (the batch sweep), trusted for the same time. */
    remember(userId: string, sessionId: string, signedIn: boolean): void {
      answers.set(signInKey(userId, sessionId), Promise.resolve(signedIn));
    },
  };
}
export type SignInCache = ReturnType<typeof cachedSignInCheck>;

/**
 * Token buckets by key: `limit` events at once, refilled at `limit` per window, so a burst
 * passes and a steady flood does not. In memory, per instance: behind N instances a user
 * connected to several of them gets up to N times the limit, which still stops a runaway client
 * (a shared Redis store would cost a round trip on every message).
 */
export function rateLimiter({ limit, windowMs }: RateLimit, now: () => number) {
  // An untouched bucket is full again after one window, so forgetting it then changes nothing.
  const buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000, ttl: windowMs, ttlResolution: 0, perf: { now } });
  return (key: string): boolean => {
    const at = now();
    const bucket = buckets.get(key);
    const tokens = bucket ? Math.min(limit, bucket.tokens + ((at - bucket.at) * limit) / windowMs) : limit;
    const allowed = tokens >= 1;
    buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at });
    return allowed;
  };
}
