import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../lib/errors.js';
import { tryConsume, type Consumed } from '../lib/rate-limit-store.js';

const SENDING_TOO_QUICKLY = 'You are sending messages too quickly. Wait a few seconds, then try again.';

/** Notes a rep may write over HTTP (the form and the JSON API): a burst of 20, then 20 every 10 seconds. */
export function messageSendLimit(store?: Store, settings = { limit: 20, windowMs: 10_000 }): RequestHandler {
  return rateLimit({
    ...settings,
    store,
    keyGenerator: (req: Request) => req.user?.id ?? 'anonymous',
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError(SENDING_TOO_QUICKLY, 10)),
  });
}

/**
 * The one allowance of chat messages per user, whichever door they come through (Socket.IO, the
 * JSON API, the page's form): one counter per user, so a second door is no second allowance (in
 * Redis when the app runs as several instances). A limiter that cannot answer (store failure)
 * lets the message through rather than cut the chat off.
 */
export interface MessageSendAllowance {
  /** Takes one message from the user's allowance; false when it is used up for now. */
  allow(userId: string): Promise<boolean>;
  /** The same for HTTP doors, after the user is known: over the allowance, 429 with Retry-After. */
  middleware: RequestHandler;
}

export function messageSendAllowance(limiter: RateLimiterAbstract, onError: (error: unknown) => void): MessageSendAllowance {
  const take = (userId: string): Promise<Consumed> =>
    tryConsume(limiter, userId).catch((error: unknown) => {
      onError(error);
      return { allowed: true, msBeforeNext: 0, remaining: 0 };
    });
  return {
    allow: async (userId) => (await take(userId)).allowed,
    middleware: (req, _res, next) => {
      take(req.user?.id ?? 'anonymous').then((consumed) => {
        const seconds = Math.max(1, Math.ceil(consumed.msBeforeNext / 1000));
        next(consumed.allowed ? undefined : new TooManyRequestsError(SENDING_TOO_QUICKLY, seconds));
      }, next);
    },
  };
}
