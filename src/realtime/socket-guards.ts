import { LRUCache } from 'lru-cache';
import { flexibleLimiters, tryConsume, type LimiterFactory } from '../lib/rate-limit-store.js';

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
  /** Events allowed per fixed window (windows are rounded up to whole seconds). */
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
  /*
   * Events per user (all their sockets, on every instance when the limits are kept in Redis), in
   * fixed windows. Excess typing signals and read marks are dropped silently; the others are
   * answered `rate_limited`.
   */
  messages: RateLimit;
  /**
   * The user's one message allowance, shared with the HTTP doors (src/conversations/send-limit.ts);
   * when given, message:send draws on it instead of a `messages` limiter of its own.
   */
  sendAllowance?: (userId: string) => Promise<boolean>;
  typing: RateLimit;
  /** conversation:read: over the limit they are dropped before they are collected into writes (readMarkWindowMs). */
  reads: RateLimit;
  /** How long a reader's marks in one conversation are collected into one write (read-mark-coalescer.ts). */
  readMarkWindowMs: number;
  /** messages:history pages. */
  history: RateLimit;
  /** conversation:join (a rep switching conversations joins each one). */
  joins: RateLimit;
  /** dashboard:subscribe (once per connection: tabs and reconnects). */
  dashboard: RateLimit;
  /**
   * dashboard:rows: a live dashboard asks at most once per feed window (250 ms) for rows it got
   * activity for and lacks, and after a reconnect for the rows it holds, 100 at a time.
   */
  dashboardRows: RateLimit;
  /** Where the limits are counted: flexibleLimiters(redis) shares them between instances; this process by default. */
  limiters: LimiterFactory;
  /** Milliseconds clock for the sign-in cache; tests pass one they move by hand. */
  now: () => number;
}

export const defaultGuardSettings: SocketGuardSettings = {
  signInCacheMs: 5_000,
  signInSweepMs: 4_000,
  messages: { limit: 20, windowMs: 10_000 },
  typing: { limit: 5, windowMs: 1_000 },
  reads: { limit: 30, windowMs: 10_000 },
  readMarkWindowMs: 500,
  history: { limit: 30, windowMs: 10_000 },
  joins: { limit: 30, windowMs: 10_000 },
  dashboard: { limit: 10, windowMs: 10_000 },
  dashboardRows: { limit: 100, windowMs: 10_000 },
  limiters: flexibleLimiters(undefined),
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

export type SocketEvent = 'messages' | 'typing' | 'reads' | 'history' | 'joins' | 'dashboard' | 'dashboardRows';
/** Answers whether the user may have one more event of a kind now. */
export type EventLimits = Record<SocketEvent, (userId: string) => Promise<boolean>>;

const socketEvents: readonly SocketEvent[] = ['messages', 'typing', 'reads', 'history', 'joins', 'dashboard', 'dashboardRows'];

/**
 * One limiter per kind of event, keyed by user, from the given factory (flexibleLimiters: Redis
 * when configured, so a user's sockets on every instance share one allowance). A limiter that
 * cannot answer (store failure) lets the event through rather than cutting the chat off.
 */
export function eventLimits(settings: SocketGuardSettings, onError: (error: unknown) => void): EventLimits {
  const entries = socketEvents.map((event) => {
    if (event === 'messages' && settings.sendAllowance) return [event, settings.sendAllowance] as const;
    const { limit, windowMs } = settings[event];
    const limiter = settings.limiters(`socket-${event}`, { points: limit, windowMs });
    const allow = (userId: string) =>
      tryConsume(limiter, userId).then(
        (consumed) => consumed.allowed,
        (error: unknown) => {
          onError(error);
          return true;
        },
      );
    return [event, allow] as const;
  });
  return Object.fromEntries(entries) as EventLimits;
}
