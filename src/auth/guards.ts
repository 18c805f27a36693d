import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import { wantsJson } from '../lib/error-middleware.js';
import type { Role } from '../contract/chat.js';

export const loginPaths: Record<Role, string> = {
  customer: '/auth/customer/login',
  rep: '/auth/rep/login',
};

/** Where each role lands after logging in (pages of the conversations feature). */
export const homePaths: Record<Role, string> = {
  customer: '/conversations',
  rep: '/support',
};

/** A path on this site (not `//evil.example` or `/\evil`), safe to redirect to after login. */
export function isSameOriginPath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 2048 &&
    /^\/(?![/\\])/.test(value) &&
    [...value].every((char) => char >= ' ' && char !== '\\')
  );
}

function redirectToLogin(req: Request, role: Role): string {
  const next = isSameOriginPath(req.originalUrl) && req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  return `${loginPaths[role]}${next}`;
}

function guard(role: Role | undefined): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      // req.path is relative to a router's mount point; the API test needs the full path.
      if (wantsJson(req.originalUrl.split('?')[0] ?? '', req.get('accept'))) {
        next(new UnauthorizedError());
        return;
      }
      res.redirect(302, redirectToLogin(req, role ?? 'customer'));
      return;
    }
    if (role && req.user.role !== role) {
      next(new ForbiddenError());
      return;
    }
    next();
  };
}

/**
 * Lets logged-in users through. Anonymous page requests are sent to the login page (coming back
 * afterwards); anonymous API requests get a 401 JSON error.
 */
export function requireUser(): RequestHandler {
  return guard(undefined);
}

/** Like requireUser, and the user must have this role (otherwise 403). */
export function requireRole(role: Role): RequestHandler {
  return guard(role);
}
