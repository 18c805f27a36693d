import type { Request, RequestHandler } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../lib/errors.js';
import { flexibleLimiters, tryConsume, type LimiterFactory } from '../lib/rate-limit-store.js';
import type { ConversationFormality } from '../contract/chat.js';
import { isSameLanguage } from '../contract/languages.js';
import { normaliseText } from './translation-memory.js';

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

/** Characters held for one request until it knows how many it really sent. */
export type Reservation =
  | { granted: true; settle(sentCharacters: number): Promise<void> }
  | { granted: false; retryAfterSeconds: number };

/**
 * Characters per user in fixed windows, reserved before anything goes to DeepL, so parallel
 * requests cannot all pass one check and overrun the budget together. In Redis when the limiter
 * is a RateLimiterRedis: every instance draws on one budget.
 */
export interface CharacterBudget {
  reserve(userId: string, characters: number): Promise<Reservation>;
}

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createCharacterBudget(limiter: RateLimiterAbstract, now: () => number = Date.now): CharacterBudget {
  const nothingToSettle = async () => {};
  return {
    async reserve(userId, characters) {
      if (characters <= 0) return { granted: true, settle: nothingToSettle };
      const consumed = await tryConsume(limiter, userId, characters);
      if (!consumed.allowed) {
        // A refused consumption is still counted by the store; give it back so only what is sent counts.
        await limiter.reward(userId, characters);
        return { granted: false, retryAfterSeconds: retryAfter(consumed.msBeforeNext) };
      }
      const windowEndsAt = now() + consumed.msBeforeNext;
      return {
        granted: true,
        async settle(sent) {
          // More than reserved (a text the process memory held when reserving was evicted before the
          // call): counted, though it can no longer be refused.
          if (sent > characters) await limiter.penalty(userId, sent - characters);
          // After the window ended, a refund would credit the next window with characters it never held.
          else if (sent < characters && now() < windowEndsAt) await limiter.reward(userId, characters - sent);
        },
      };
    },
  };
}

/** The budget in this process's memory (one instance, tests). */
export function createMemoryCharacterBudget(options: { limit: number; windowMs: number }): CharacterBudget {
  return createCharacterBudget(flexibleLimiters(undefined)('translate-characters', { points: options.limit, windowMs: options.windowMs }));
}

/** Whether the process's translation memory already holds a text's translation (no waiting). */
export type RememberedCheck = (text: string, target: string, source: string | undefined, register?: ConversationFormality) => boolean;

/**
 * The most characters a request can send to DeepL: its distinct non-empty texts, unless written
 * in the reader's language or already in this process's memory. Hits found later (database,
 * another request's call) are given back when the request settles.
 */
export function charactersToReserve(
  request: { texts: readonly string[]; target: string; source: string | undefined; register?: ConversationFormality },
  isRemembered: RememberedCheck = () => false,
): number {
  const { target, source } = request;
  if (isSameLanguage(source, target)) return 0;
  const distinct = new Set(request.texts.map(normaliseText).filter((text) => text !== ''));
  let total = 0;
  for (const text of distinct) if (!isRemembered(text, target, source, request.register)) total += text.length;
  return total;
}

export const userKey = (req: Request): string => req.user?.id ?? 'anonymous';

/** The request limit's name in the IETF draft-8 `RateLimit` / `RateLimit-Policy` headers. */
const policyName = '"translate"';

/**
 * Per-user request rate for /translate (after requireUser, so every request has a user), counted
 * by a rate-limiter-flexible limiter (in Redis with REDIS_URL, shared by the instances): one
 * consumption per request, the policy header worked out once (this is the hottest JSON route).
 */
export function translationRateLimit(limits: TranslationLimits, limiter: RateLimiterAbstract = translationRequestLimiter(limits)): RequestHandler {
  const policy = `${policyName}; q=${limits.requestsPerWindow}; w=${Math.ceil(limits.windowMs / 1000)}`;
  return (req, res, next) => {
    tryConsume(limiter, userKey(req)).then(({ allowed, msBeforeNext, remaining }) => {
      const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `${policyName}; r=${remaining}; t=${seconds}`);
      next(allowed ? undefined : new TooManyRequestsError('Too many translation requests. Please wait a moment.', seconds));
    }, next);
  };
}

/** The request limiter of one /translate door (`name`: its key space). */
export function translationRequestLimiter(limits: TranslationLimits, limiters: LimiterFactory = flexibleLimiters(undefined), name = 'translate-requests'): RateLimiterAbstract {
  return limiters(name, { points: limits.requestsPerWindow, windowMs: limits.windowMs });
}

/** Refuses a request whose characters do not fit in what is left of the user's budget. */
export async function reserveCharacters(budget: CharacterBudget, userId: string, characters: number) {
  const reservation = await budget.reserve(userId, characters);
  if (!reservation.granted) {
    throw new TooManyRequestsError('You have translated a lot in a short time. Please wait a moment.', reservation.retryAfterSeconds);
  }
  return reservation;
}
