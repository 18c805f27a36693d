import express, { type Request, type RequestHandler, type Response } from 'express';
import type { User } from '../contract/chat.js';
import type { Logger } from '../lib/logger.js';
import { assignRequestId } from '../lib/request-logger.js';

export interface TranslateFastPathDeps {
  /** The signed-in user of an API call with a matching CSRF header, else undefined (auth.apiUser). */
  apiUser(req: Request): Promise<User | undefined>;
  /** translationRoutes(): the same handlers, rate limit and budget as the full stack's. */
  routes: RequestHandler;
  /** The security headers every response gets (fixedSecurityHeaders). */
  headers: readonly (readonly [string, string])[];
  logger: Logger;
  /** Runs before an error is answered, so its message is in the reader's language (src/i18n's middleware). */
  beforeError?: RequestHandler;
}

/**
 * `POST /translate` (both shapes) for a signed-in reader, mounted ahead of the page stack: the
 * chat pages call it for every message they render. It skips what only pages need (session
 * object, passport, flash and view locals, the request log line of a success) and keeps what
 * guards the call: the login and CSRF rules (auth.apiUser), the same body limit, the same routes
 * with their rate limit, zod validation and character budget, the same error JSON. A request it
 * cannot sign in goes on to the full stack unchanged (401, 403 as before).
 */
export function translateFastPath(deps: TranslateFastPathDeps): RequestHandler {
  const parseJson = express.json({ limit: '128kb' });
  return (req, res, next) => {
    if (req.method !== 'POST' || req.url !== '/translate') {
      next();
      return;
    }
    deps.apiUser(req).then((user) => {
      if (!user) {
        next();
        return;
      }
      req.user = user;
      for (const [name, value] of deps.headers) res.setHeader(name, value);
      const id = assignRequestId(req, res);
      const done = (error?: unknown) => {
        if (error === undefined || error === 'route' || error === 'router') return next();
        answerError(deps, { id, req, res }, () => next(error));
      };
      parseJson(req, res, (error?: unknown) => (error ? done(error) : deps.routes(req, res, done)));
    }, next);
  };
}

/** Hands the error on to the error middleware, logging the answer as the request logger would (warn for 4xx). */
function answerError(deps: TranslateFastPathDeps, call: { id: string; req: Request; res: Response }, answer: () => void): void {
  const { id, req, res } = call;
  const started = Date.now();
  res.once('finish', () => {
    const failed = res.err !== undefined || res.statusCode >= 500;
    const entry = { req: { id, method: req.method, url: req.url }, res: { statusCode: res.statusCode }, err: res.err, responseTime: Date.now() - started };
    if (failed) deps.logger.error(entry, 'request errored');
    else if (res.statusCode >= 400) deps.logger.warn(entry, 'request completed');
  });
  if (deps.beforeError) deps.beforeError(req, res, answer);
  else answer();
}
