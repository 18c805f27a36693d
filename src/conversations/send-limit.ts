import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { TooManyRequestsError } from '../lib/errors.js';

/** Messages a user may send over HTTP (the JSON API): a burst of 20, then 20 every 10 seconds. */
export function messageSendLimit(store?: Store, settings = { limit: 20, windowMs: 10_000 }): RequestHandler {
  return rateLimit({
    ...settings,
    store,
    keyGenerator: (req: Request) => req.user?.id ?? 'anonymous',
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError('You are sending messages too quickly. Wait a few seconds, then try again.', 10)),
  });
}
