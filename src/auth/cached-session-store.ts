import { Store, type SessionData } from 'express-session';
import { LRUCache } from 'lru-cache';
import { loadSessions } from './sign-in-check.js';

type Callback = (error?: unknown) => void;

export interface SessionCacheOptions {
  /**
   * How long this process answers from its own copy. Sessions written or destroyed through this
   * process are seen at once; changes made by another process show after at most this long.
   */
  ttlMs: number;
  max?: number;
}

/** A session is over when its cookie's expiry has passed (express-session leaves that check to stores). */
function hasExpired(session: SessionData): boolean {
  const expires = session.cookie?.expires;
  return expires ? new Date(expires).getTime() <= Date.now() : false;
}

/**
 * A write-through, short-lived in-process copy in front of another express-session store, so a
 * burst of requests on one session reads the database once. Copies are cloned in and out because
 * express-session mutates the session objects it is given.
 */
export class CachedSessionStore extends Store {
  private readonly cache: LRUCache<string, SessionData>;
  /** Callers waiting on a read already on its way to the inner store, by session id. */
  private writes = 0;
  private readonly waiting = new Map<string, ((error: unknown, session: SessionData | null) => void)[]>();

  constructor(
    private readonly inner: Store,
    options: SessionCacheOptions,
  ) {
    super();
    this.cache = new LRUCache<string, SessionData>({ max: options.max ?? 50_000, ttl: options.ttlMs });
    // The inner store's events (connect-mongo emits "create", "update", "destroy"…) stay observable.
    for (const event of ['create', 'update', 'set', 'destroy', 'touch', 'connect', 'disconnect'] as const) {
      inner.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
    // The inner store wrote a touch (connect-mongo: at most once per `touchAfter`): its copy is newer.
    inner.on('touch', (sid: string) => this.cache.delete(sid));
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    const cached = this.cache.get(sid);
    if (cached && !hasExpired(cached)) {
      callback(null, structuredClone(cached));
      return;
    }
    const waiting = this.waiting.get(sid);
    if (waiting) {
      waiting.push(callback);
      return;
    }
    this.waiting.set(sid, [callback]);
    const writesBefore = this.writes;
    this.inner.get(sid, (error, session) => {
      const callers = this.waiting.get(sid) ?? [];
      this.waiting.delete(sid);
      const copy = !error && session ? structuredClone(session) : null;
      // A write or destroy that raced this read may be newer than what it found.
      if (copy && this.writes === writesBefore) this.cache.set(sid, copy);
      callers.forEach((caller) => caller(error ?? null, copy && structuredClone(copy)));
    });
  }

  /**
   * The copy held here, not cloned, for a caller that only reads it (and must not change it);
   * undefined when there is none or it has expired.
   */
  peek(sid: string): Readonly<SessionData> | undefined {
    const cached = this.cache.get(sid);
    return cached && !hasExpired(cached) ? cached : undefined;
  }

  /** Fresh from the inner store, never from the copies here (which are refreshed). */
  async getMany(sessionIds: readonly string[]): Promise<Map<string, SessionData>> {
    const writesBefore = this.writes;
    const found = await loadSessions(this.inner, sessionIds);
    for (const sid of sessionIds) {
      const session = found.get(sid);
      if (!session) this.cache.delete(sid);
      else if (this.writes === writesBefore) this.cache.set(sid, structuredClone(session));
    }
    return found;
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.writes += 1;
    this.inner.set(sid, session, (error?: unknown) => {
      if (error) this.cache.delete(sid);
      else this.cache.set(sid, structuredClone(session));
      callback?.(error);
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.writes += 1;
    this.cache.delete(sid);
    this.inner.destroy(sid, (error?: unknown) => callback?.(error));
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const cached = this.cache.get(sid);
    if (cached) cached.cookie = structuredClone(session.cookie);
    if (!this.inner.touch) return callback?.();
    this.inner.touch(sid, session, (error?: unknown) => callback?.(error));
  }
}
