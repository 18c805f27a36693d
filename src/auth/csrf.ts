import { createHmac } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler, Response } from 'express';
import { csrfSync } from 'csrf-sync';

export interface CsrfOptions {
  /** Requests that carry no browser session (e.g. signed webhooks) and so need no token. */
  isExempt?: (req: Request) => boolean;
  /** The session secret(s); the visitors' token key is derived from them. */
  secret: string | string[];
  /** Secure (`__Host-`) cookie when served over HTTPS. */
  secureCookie: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token a request carries: form field `_csrf` or header `x-csrf-token`. */
function tokenFromRequest(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && '_csrf' in body) {
    const field = (body as { _csrf: unknown })._csrf;
    return typeof field === 'string' ? field : undefined;
  }
  return undefined;
}

/**
 * An API call with no logged-in user has no session a forged request could ride on, and every API
 * route requires a user, so it skips the token check and gets its honest answer: 401.
 */
export function isAnonymousApiRequest(req: Request): boolean {
  return !req.user && (req.path.startsWith('/api/') || req.path === '/translate');
}

/** A key of its own for the visitors' tokens, so they never share the session cookie's key. */
const derivedKeys = (secret: string | string[]) =>
  (Array.isArray(secret) ? secret : [secret]).map((key) => createHmac('sha256', key).update('parley csrf for visitors').digest('hex'));

/** Visitors without a login: a signed double-submit cookie, so their pages store no session. */
function visitorTokens(options: CsrfOptions) {
  const keys = derivedKeys(options.secret);
  return doubleCsrf({
    getSecret: () => keys,
    // A visitor has no session to bind the token to: the signed cookie itself is what it matches.
    getSessionIdentifier: () => '',
    cookieName: options.secureCookie ? '__Host-parley.csrf' : 'parley.csrf',
    cookieOptions: { sameSite: 'lax', secure: options.secureCookie, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: tokenFromRequest,
    size: 32,
  });
}

/**
 * CSRF protection for every state-changing request, plus `res.locals.csrfToken` for pages.
 * Logged-in users have a synchronizer token kept in their session; visitors without a login get a
 * signed double-submit cookie instead, so rendering a page (the login form, a 404) never creates
 * a stored session. The token is made only when a page renders it, once per request.
 */
export function createCsrfProtection(options: CsrfOptions): RequestHandler[] {
  const sync = csrfSync({ getTokenFromRequest: tokenFromRequest, size: 32 });
  const visitors = visitorTokens(options);
  const check: RequestHandler = (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || isAnonymousApiRequest(req) || options.isExempt?.(req)) return next();
    const valid = req.user ? sync.isRequestValid(req) : visitors.validateRequest(req);
    next(valid ? undefined : sync.invalidCsrfTokenError);
  };
  const exposeToken: RequestHandler = (req, res, next) => {
    // Login calls this once the session is regenerated, so the new session holds its token.
    req.csrfToken = () => sync.generateToken(req);
    let token: string | undefined;
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => (token ??= pageToken(req, res)),
    });
    res.locals.currentUser = req.user;
    next();
  };
  const pageToken = (req: Request, res: Response): string | undefined => {
    if (req.user) return req.session ? sync.generateToken(req) : undefined;
    return visitors.generateCsrfToken(req, res);
  };
  return [cookieParser(), check, exposeToken];
}
