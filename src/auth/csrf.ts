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
 * Synchronizer-token CSRF protection (token kept in the session) for every state-changing
 * request, plus `res.locals.csrfToken` for pages. The token is created only when a page renders
 * it, so requests that render nothing do not start a session.
 */
export function createCsrfProtection(options: CsrfOptions = {}): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: tokenFromRequest,
    size: 32,
    skipCsrfProtection: options.isExempt,
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
