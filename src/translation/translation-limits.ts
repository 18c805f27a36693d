import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { TooManyRequestsError } from '../lib/errors.js';

export interface TranslationLimits {
  /** Requests per user per window. */
  requestsPerWindow: number;
  /** Characters sent to DeepL per user per window (memory hits and same-language texts are free). */
  charactersPerWindow: number;
  windowMs: number;
}

export const defaultTranslationLimits: TranslationLimits = {
  requestsPerWindow: 120,
  charactersPerWindow: 200_000,
  windowMs: 60_000,
};

/**
 * Counts characters per user in fixed windows. An interface so several server processes can share
 * one budget (e.g. in Redis); the in-memory one fits a single process.
 */
export interface CharacterBudget {
  /** Seconds until the user may translate again, or 0 when there is budget left. */
  retryAfterSeconds(userId: string): Promise<number>;
  charge(userId: string, characters: number): Promise<void>;
}

export function createMemoryCharacterBudget(
  options: { limit: number; windowMs: number; now?: () => number },
): CharacterBudget {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { used: number; resetAt: number }>();
  const windowOf = (userId: string) => {
    const current = windows.get(userId);
    if (current && current.resetAt > now()) return current;
    const fresh = { used: 0, resetAt: now() + options.windowMs };
    windows.set(userId, fresh);
    return fresh;
  };
  return {
    async retryAfterSeconds(userId) {
      const window = windowOf(userId);
      return window.used >= options.limit ? Math.max(1, Math.ceil((window.resetAt - now()) / 1000)) : 0;
    },
    async charge(userId, characters) {
      if (characters > 0) windowOf(userId).used += characters;
    },
  };
}

const userKey = (req: Request): string => req.user?.id ?? 'anonymous';

/** Per-user request rate for /translate (after requireUser, so every request has a user). */
export function translationRateLimit(limits: TranslationLimits, store?: Store): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.requestsPerWindow,
    keyGenerator: userKey,
    store,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + limits.windowMs;
      const seconds = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      next(new TooManyRequestsError('Too many translation requests. Please wait a moment.', seconds));
    },
  });
}

/** Refuses a user whose character budget is spent, before anything is translated. */
export function requireCharacterBudget(budget: CharacterBudget): RequestHandler {
  return async (req, _res, next) => {
    const seconds = await budget.retryAfterSeconds(userKey(req));
    if (seconds > 0) {
      next(new TooManyRequestsError('You have translated a lot in a short time. Please wait a moment.', seconds));
      return;
    }
    next();
  };
}
