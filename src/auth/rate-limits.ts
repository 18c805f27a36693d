import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { slowDown } from 'express-slow-down';
import { TooManyRequestsError } from '../lib/errors.js';
import { usernameKey } from './user.model.js';

/**
 * Makes the store of one limiter (each limiter needs its own). Memory by default; a shared store
 * such as rate-limit-redis when several processes serve the app.
 */
export type RateLimitStoreFactory = (name: string) => Store;

export interface RateLimitSettings {
  windowMs: number;
  limit: number;
}

/** A growing delay instead of a refusal: the first `delayAfter` failures in the window are free. */
export interface SlowDownSettings {
  windowMs: number;
  delayAfter: number;
  /** The first delay; each further failure doubles it, up to maxDelayMs. */
  delayMs: number;
  maxDelayMs: number;
}

export interface AuthRateLimitOptions {
  store?: RateLimitStoreFactory;
  /**
   * Failed logins per username from any address only slow further attempts down: a hard limit
   * there would let anyone lock the real user out by failing from many addresses (OWASP).
   */
  loginPerUsername?: SlowDownSettings;
  /** Failed logins per username from one client address: the (limit+1)th in the window is refused. */
  loginPerUsernameAndIp?: RateLimitSettings;
  /**
   * Failed logins per client address, whatever the username: much higher than the per-username
   * limits, since one address is often a whole office behind NAT (LOGIN_FAILURES_PER_ADDRESS).
   */
  loginPerIp?: RateLimitSettings;
  /** Sign-up attempts per client address. */
  signupPerIp?: RateLimitSettings;
}

/** The window every login limit counts failures in. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

const defaults = {
  loginPerUsername: { windowMs: LOGIN_WINDOW_MS, delayAfter: 10, delayMs: 500, maxDelayMs: 5_000 },
  loginPerUsernameAndIp: { windowMs: LOGIN_WINDOW_MS, limit: 10 },
  loginPerIp: { windowMs: LOGIN_WINDOW_MS, limit: 100 },
  signupPerIp: { windowMs: 60 * 60_000, limit: 20 },
};

// Requests one of these limiters refused: no password was checked, so they are no failure for
// any limiter (else a refusal would count, and keep the address refused the longer it retries).
const refused = new WeakSet<Request>();

/**
 * Whether a finished request is given back (not counted) by limiters that count failures only:
 * successes, and refusals. Until it finishes, every request counts (in flight too), so parallel
 * guesses cannot all pass before the first failure is counted.
 */
const notAFailure = (req: Request, res: Response): boolean => res.statusCode < 400 || refused.has(req);

function limiter(
  name: string,
  settings: RateLimitSettings,
  options: AuthRateLimitOptions,
  extra: { keyGenerator: (req: Request) => string; skipSuccessfulRequests: boolean; message: string },
): RequestHandler {
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: extra.skipSuccessfulRequests,
    requestWasSuccessful: notAFailure,
    keyGenerator: extra.keyGenerator,
    skip: (req) => extra.keyGenerator(req) === '',
    store: options.store?.(name),
    handler: (req, _res, next) => {
      refused.add(req);
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : settings.windowMs / 1000;
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      next(new TooManyRequestsError(`${extra.message} Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`, Math.max(1, seconds)));
    },
  });
}

const clientIp = (req: Request): string => ipKeyGenerator(req.ip ?? '');

function postedUsername(req: Request): string {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.username;
  return typeof value === 'string' && value.trim() ? usernameKey(value) : '';
}

/** How long the nth failure in the window waits: nothing, then doubling from delayMs to maxDelayMs. */
export function usernameDelayMs(used: number, settings: SlowDownSettings): number {
  const over = used - settings.delayAfter;
  if (over <= 0) return 0;
  return Math.min(settings.maxDelayMs, settings.delayMs * 2 ** Math.min(over - 1, 30));
}

function usernameSlowDown(settings: SlowDownSettings, options: AuthRateLimitOptions): RequestHandler {
  return slowDown({
    windowMs: settings.windowMs,
    delayAfter: settings.delayAfter,
    delayMs: (used) => usernameDelayMs(used, settings),
    maxDelayMs: settings.maxDelayMs,
    skipSuccessfulRequests: true,
    requestWasSuccessful: notAFailure,
    keyGenerator: postedUsername,
    skip: (req) => postedUsername(req) === '',
    store: options.store?.('login-username'),
    validate: { delayMs: false },
  });
}

function usernameAndIp(req: Request): string {
  const username = postedUsername(req);
  return username ? `${clientIp(req)} ${username}` : '';
}

export function createAuthRateLimits(options: AuthRateLimitOptions = {}) {
  const settings = { ...defaults, ...options };
  const failedLogin = 'Too many failed login attempts.';
  return {
    /**
     * Failed logins (4xx) count; successful ones (redirects) and refused ones (429) do not. Hard
     * limits per address and per username from one address; from everywhere a username is only
     * slowed down. They run before the password is checked, so a correct password is refused too
     * once a limit is reached (it would otherwise tell a guesser which guess was right).
     */
    login: [
      limiter('login-ip', settings.loginPerIp, options, { keyGenerator: clientIp, skipSuccessfulRequests: true, message: failedLogin }),
      limiter('login-username-ip', settings.loginPerUsernameAndIp, options, {
        keyGenerator: usernameAndIp,
        skipSuccessfulRequests: true,
        message: failedLogin,
      }),
      usernameSlowDown(settings.loginPerUsername, options),
    ],
    signup: [
      limiter('signup-ip', settings.signupPerIp, options, {
        keyGenerator: clientIp,
        skipSuccessfulRequests: false,
        message: 'Too many sign-up attempts from your network.',
      }),
    ],
  };
}
