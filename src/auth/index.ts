// The door to the accounts feature: other features import from here only.
import type { Request, RequestHandler, Router } from 'express';
import type { User } from '../contract/chat.js';
import type { Store as SessionStore } from 'express-session';
import type { Config } from '../config.js';
import { createApiSignIn } from './api-sign-in.js';
import { createCsrfProtection } from './csrf.js';
import { createPassport, type AuthPassport } from './passport.js';
import { createAuthRateLimits, LOGIN_WINDOW_MS, type AuthRateLimitOptions } from './rate-limits.js';
import { authRoutes } from './auth.routes.js';
import { createSessionMiddleware } from './session.js';
import { signedInAmong, signInCheck, type SignInPair } from './sign-in-check.js';
import { createUserService, type LanguageProvider, type UserService } from './user.service.js';

export type { Role, User } from '../contract/chat.js';
export type { UserSummary, NewUser, LanguageProvider, UserService, ActiveAccount } from './user.service.js';
export type { RateLimitStoreFactory, AuthRateLimitOptions } from './rate-limits.js';
export { createUserService } from './user.service.js';
export { requireUser, requireRole } from './guards.js';
export { createSessionStore, resolveSessionSecret } from './session.js';

export interface AuthOptions {
  config: Pick<Readonly<Config>, 'bcryptCost' | 'session' | 'isProduction' | 'loginFailuresPerAddress'>;
  /** Where sessions live: createSessionStore() on the app's connection. */
  sessionStore: SessionStore;
  /** resolveSessionSecret(config) in the server; any 32+ character string in tests. */
  sessionSecret: string;
  /** The languages a customer may choose; DeepL's built-in list when omitted. */
  languages?: LanguageProvider;
  rateLimits?: AuthRateLimitOptions;
  /** Requests exempt from CSRF (only ones that carry no browser session, e.g. signed webhooks). */
  isCsrfExempt?: (req: Request) => boolean;
}

export interface Auth {
  users: UserService;
  passport: AuthPassport;
  /**
   * [express-session, passport.initialize(), passport.session(), endDroppedLogins]. The app mounts it; Socket.IO
   * reuses the same array (io.engine.use) so sockets are authenticated by the session cookie.
   */
  sessionMiddleware: RequestHandler[];
  /** CSRF check on state-changing requests, then res.locals.csrfToken / currentUser for pages. */
  pageMiddleware: RequestHandler[];
  /**
   * For a JSON API path served ahead of the page stack: the user when the session cookie holds a
   * current login and the `x-csrf-token` header matches it; undefined for anything else (the
   * request then goes through the full stack, which answers it as before).
   */
  apiUser(req: Request): Promise<User | undefined>;
  /** /auth/* pages and POSTs, and GET /account. */
  routes: Router;
  /**
   * Whether the session still exists and belongs to the user, whose account is still active (the
   * admin CLI disables reps from another process). For connections that outlive a request.
   */
  isSignedIn(userId: string, sessionId: string): Promise<boolean>;
  /** The same for many connections with two database reads; answers `${userId} ${sessionId}` of those still signed in. */
  signedInAmong(pairs: readonly SignInPair[]): Promise<Set<string>>;
  /**
   * Calls the listener with the user's id after each logout; answers the unsubscribe. The
   * realtime server listens, so a logout also closes that user's sockets (without auth importing it).
   */
  onLogout(listener: (userId: string) => void): () => void;
}

/** Builds the accounts feature once per app from its dependencies. */
export function createAuth(options: AuthOptions): Auth {
  const users = createUserService({
    bcryptCost: options.config.bcryptCost,
    languages: options.languages,
    cacheMs: options.config.session.cacheMs,
  });
  const passport = createPassport(users, options.config.session.absoluteMs);
  const sessionMiddleware = createSessionMiddleware({
    store: options.sessionStore,
    secret: options.sessionSecret,
    maxAgeMs: options.config.session.maxAgeMs,
    secureCookie: options.config.session.secureCookie,
    passport,
  });
  const pageMiddleware = createCsrfProtection({
    isExempt: options.isCsrfExempt,
    secret: options.sessionSecret,
    secureCookie: options.config.session.secureCookie,
  });
  const logoutListeners = new Set<(userId: string) => void>();
  const loggedOut = (userId: string) => logoutListeners.forEach((listener) => listener(userId));
  const routes = authRoutes({
    users,
    passport,
    rateLimits: createAuthRateLimits({
      loginPerIp: { windowMs: LOGIN_WINDOW_MS, limit: options.config.loginFailuresPerAddress },
      ...options.rateLimits,
    }),
    loggedOut,
    showSetupHints: !options.config.isProduction,
  });
  return {
    users,
    passport,
    sessionMiddleware,
    pageMiddleware,
    apiUser: createApiSignIn({
      store: options.sessionStore,
      secret: options.sessionSecret,
      users,
      absoluteMs: options.config.session.absoluteMs,
    }),
    routes,
    isSignedIn: signInCheck(options.sessionStore, users, options.config.session.absoluteMs),
    signedInAmong: signedInAmong(options.sessionStore, users, options.config.session.absoluteMs),
    onLogout: (listener) => {
      logoutListeners.add(listener);
      return () => {
        logoutListeners.delete(listener);
      };
    },
  };
}
