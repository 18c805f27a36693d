import type { Request, RequestHandler, Response } from 'express';
import { MemoryStore, type Options, type Store } from 'express-rate-limit';

export interface CountedLimitOptions {
  /** The policy's name in the headers (`"translate"`). */
  name: string;
  limit: number;
  windowMs: number;
  /** An express-rate-limit store (in memory, or Redis shared by the instances); its own MemoryStore when omitted. */
  store?: Store;
  key(req: Request): string;
  /** The error a request over the limit is refused with, given the seconds until its window resets. */
  refuse(retryAfterSeconds: number): Error;
}

/**
 * A fixed-window request limit counted in an express-rate-limit store, as `rateLimit()` counts it
 * (hits per key per window; over `limit` is refused), answering the IETF draft-8 `RateLimit` and
 * `RateLimit-Policy` headers. For the hottest JSON route (POST /translate, many calls a second per
 * reader): the middleware's own per-request work (the draft-8 partition key's SHA-256, the
 * request's IP worked out for its debug log, validations, six awaits) was ~10 % of the route's
 * CPU; here the policy is worked out once and a request costs one store increment.
 */
export function countedLimit(options: CountedLimitOptions): RequestHandler {
  const store = options.store ?? new MemoryStore();
  // The stores read only the window from the options (MemoryStore, rate-limit-redis).
  void store.init?.({ windowMs: options.windowMs } as Partial<Options> as Options);
  const policy = `"${options.name}"; q=${options.limit}; w=${Math.ceil(options.windowMs / 1000)}`;
  const prefix = `"${options.name}"; r=`;
  const setHeaders = (res: Response, remaining: number, resetSeconds: number) => {
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `${prefix}${remaining}; t=${resetSeconds}`);
  };
  return (req, res, next) => {
    Promise.resolve(store.increment(options.key(req))).then(({ totalHits, resetTime }) => {
      const resetMs = resetTime ? resetTime.getTime() - Date.now() : options.windowMs;
      const resetSeconds = Math.max(0, Math.ceil(resetMs / 1000));
      setHeaders(res, Math.max(0, options.limit - totalHits), resetSeconds);
      next(totalHits > options.limit ? options.refuse(Math.max(1, resetSeconds)) : undefined);
    }, next);
  };
}
