import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

export interface CsrfOptions {
  /** Requests that carry no browser session (e.g. signed webhooks) and so need no token. */
  isExempt?: (req: Request) => boolean;
}

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

/**
 * Synchronizer-token CSRF protection (token kept in the session) for every state-changing
 * request, plus `res.locals.csrfToken` for pages. The token is created only when a page renders
 * it, so requests that render nothing do not start a session.
 */
export function createCsrfProtection(options: CsrfOptions = {}): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: tokenFromRequest,
    size: 32,
    skipCsrfProtection: (req) => isAnonymousApiRequest(req) || (options.isExempt?.(req) ?? false),
  });
  const exposeToken: RequestHandler = (req, res, next) => {
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => (req.session ? generateToken(req) : undefined),
    });
    res.locals.currentUser = req.user;
    next();
  };
  return [csrfSynchronisedProtection, exposeToken];
}
