import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { User } from '../contract/chat.js';
import type { Logger } from '../lib/logger.js';
import { assignRequestId } from '../lib/request-logger.js';

export interface TranslateFastPathDeps {
  /** The signed-in user of an API call with a matching CSRF header, else undefined (auth.apiUser). */
  apiUser(req: Request): Promise<User | undefined>;
  /** translateHandlers(): the same handlers, rate limit and budget as the full stack's. */
  handlers: RequestHandler[];
  /** The security headers every response gets (fixedSecurityHeaders). */
  headers: readonly (readonly [string, string])[];
  logger: Logger;
  /** Runs before an error is answered, so its message is in the reader's language (src/i18n's middleware). */
  beforeError?: RequestHandler;
}

/**
 * `POST /translate` (both shapes) for a signed-in reader, mounted ahead of the page stack as
 * `app.post('/translate', ...translateFastPath(deps))`: the chat pages call it for every message
 * they render. It skips what only pages need (session object, passport, flash and view locals, the
 * request log line of a success) and keeps what guards the call: the login and CSRF rules
 * (auth.apiUser), the same body limit, the same handlers with their rate limit, zod validation and
 * character budget, the same error JSON. A request it cannot sign in goes on (`next('route')`)
 * to the full stack unchanged, which answers it as before (401, 403).
 */
export function translateFastPath(deps: TranslateFastPathDeps): (RequestHandler | ErrorRequestHandler)[] {
  const signIn: RequestHandler = (req, res, next) => {
    deps.apiUser(req).then((user) => {
      if (!user) return next('route');
      req.user = user;
      for (const [name, value] of deps.headers) res.setHeader(name, value);
      req.id = assignRequestId(req, res);
      next();
    }, next);
  };
  // Logs the answer as the request logger would (warn for 4xx), then hands the error on.
  const beforeError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const started = Date.now();
    res.once('finish', () => {
      const failed = res.err !== undefined || res.statusCode >= 500;
      const entry = { req: { id: req.id, method: req.method, url: req.url }, res: { statusCode: res.statusCode }, err: res.err, responseTime: Date.now() - started };
      if (failed) deps.logger.error(entry, 'request errored');
      else if (res.statusCode >= 400) deps.logger.warn(entry, 'request completed');
    });
    if (deps.beforeError) deps.beforeError(req, res, () => next(error));
    else next(error);
  };
  return [signIn, express.json({ limit: '128kb' }), ...deps.handlers, beforeError];
}
