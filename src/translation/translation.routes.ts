import { Router, type RequestHandler, type Response } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { requireUser } from '../auth/index.js';
import { ValidationError, type FieldErrors } from '../lib/errors.js';
import type { LanguageCatalog } from './language-catalog.js';
import { CONVERSATION_FORMALITIES, type ConversationFormality } from '../contract/chat.js';
import { baseLanguage, builtInTargetLanguages } from '../contract/languages.js';
import {
  charactersToReserve,
  createMemoryCharacterBudget,
  defaultTranslationLimits,
  reserveCharacters,
  translationRateLimit,
  userKey,
  type CharacterBudget,
  type RememberedCheck,
  type TranslationLimits,
} from './translation-limits.js';
import type { TranslationOutcome, TranslationService } from './translation.service.js';

export const maxTextsPerRequest = 100;
export const maxTextLength = 5_000;

export interface TranslationRoutesDeps {
  service: TranslationService;
  languages: LanguageCatalog;
  limits?: TranslationLimits;
  /** Counts the requests (translationRequestLimiter: shared by the instances with REDIS_URL); this process's own by default. */
  requestLimiter?: RateLimiterAbstract;
  characterBudget?: CharacterBudget;
  /** Texts the memory answers at once cost no reservation; without it every text reserves its length. */
  isRemembered?: RememberedCheck;
}

const knownBases = new Set(builtInTargetLanguages.map(({ code }) => baseLanguage(code)));

const languageCode = z.string().trim().min(2).max(10).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?$/, 'Not a language code.');
const text = z.string().max(maxTextLength, `Each text may have at most ${maxTextLength.toLocaleString('en')} characters.`);
const common = {
  target_lang: languageCode,
  source_lang: languageCode
    .refine((code) => knownBases.has(baseLanguage(code)), 'Not a supported source language.')
    .optional(),
  // The register of the conversation a customer reads (their chat page sends it): the same key
  // the translation on write used, so reading hits the memory.
  formality: z.enum(CONVERSATION_FORMALITIES).optional(),
};
const singleSchema = z.object({ text, ...common });
const batchSchema = z.object({
  texts: z.array(text).max(maxTextsPerRequest, `At most ${maxTextsPerRequest} texts per request.`),
  ...common,
});

interface TranslateRequest {
  /** The seed's `{text}` answers `{response_text}`; the batch `{texts}` answers `{translations}`. */
  kind: 'single' | 'batch';
  texts: string[];
  target: string;
  source: string | undefined;
  register: ConversationFormality | undefined;
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : 'body';
    fields[name] ??= issue.message;
  }
  return fields;
}

function parseTranslateRequest(body: unknown, languages: LanguageCatalog): TranslateRequest {
  const isBatch = typeof body === 'object' && body !== null && 'texts' in body;
  const parsed = (isBatch ? batchSchema : singleSchema).safeParse(body);
  if (!parsed.success) {
    throw new ValidationError('The translation request is not valid.', fieldErrors(parsed.error));
  }
  const data = parsed.data;
  const target = data.target_lang.toUpperCase();
  if (!languages.isSupportedTarget(target)) {
    throw new ValidationError('That target language is not supported.', { target_lang: 'Not a supported language.' });
  }
  const source = data.source_lang?.toUpperCase();
  const register = data.formality;
  return 'texts' in data
    ? { kind: 'batch', texts: data.texts, target, source, register }
    : { kind: 'single', texts: [data.text], target, source, register };
}

/** `untranslated_reason: 'off'` tells pages that translation is not configured (no use retrying). */
const untranslatedMark = (outcome: TranslationOutcome | undefined) =>
  outcome?.untranslated ? { untranslated: true, ...(outcome.reason ? { untranslated_reason: outcome.reason } : {}) } : {};

function toBatchItem(outcome: TranslationOutcome) {
  return { text: outcome.text, detected_source_lang: outcome.detectedSourceLang ?? null, ...untranslatedMark(outcome) };
}

/** res.json's answer without its ETag (a `no-store` answer to a POST is never revalidated). */
function sendJson(res: Response, body: object): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Reserves the characters before DeepL is called, so parallel requests cannot overrun the budget
 * together, and settles with what was really sent (memory hits are given back) before answering.
 */
async function translateWithinBudget(deps: TranslationRoutesDeps, budget: CharacterBudget, userId: string, request: TranslateRequest) {
  const reservation = await reserveCharacters(budget, userId, charactersToReserve(request, deps.isRemembered));
  let sent = 0;
  try {
    const batch = await deps.service.translate(request.texts, request.target, request.source, { register: request.register });
    sent = batch.upstreamCharacters;
    return batch;
  } finally {
    await reservation.settle(sent);
  }
}

/**
 * `POST /translate`'s handlers: login required, the per-user request limit, then the answer. One
 * set per app, so the fast path (translate-fast-path.ts) and the full stack share their limits.
 */
export function translateHandlers(deps: TranslationRoutesDeps): RequestHandler[] {
  const limits = deps.limits ?? defaultTranslationLimits;
  const budget =
    deps.characterBudget ?? createMemoryCharacterBudget({ limit: limits.charactersPerWindow, windowMs: limits.windowMs });
  const answer: RequestHandler = async (req, res) => {
    const request = parseTranslateRequest(req.body, deps.languages);
    // Memory hits send nothing to DeepL: nothing to reserve from the budget, nothing to wait for.
    const translations =
      (await deps.service.remembered(request.texts, request.target, request.source, request.register)) ??
      (await translateWithinBudget(deps, budget, userKey(req), request)).translations;
    res.set('Cache-Control', 'no-store');
    if (request.kind === 'batch') {
      sendJson(res, { translations: translations.map(toBatchItem) });
      return;
    }
    const [outcome] = translations;
    sendJson(res, { response_text: outcome?.text ?? '', ...untranslatedMark(outcome) });
  };
  return [requireUser(), translationRateLimit(limits, deps.requestLimiter), answer];
}

/**
 * `POST /translate` (the seed's `{text, target_lang}` → `{response_text}` and the batch
 * `{texts, target_lang}` → `{translations}`), for logged-in users; `GET /api/languages` for
 * everyone (the sign-up form needs it).
 */
export function translationRoutes(deps: TranslationRoutesDeps, handlers: RequestHandler[] = translateHandlers(deps)): Router {
  const router = Router();
  router.post('/translate', ...handlers);

  router.get('/api/languages', async (_req, res) => {
    const languages = await deps.languages.targetLanguages();
    res.set('Cache-Control', 'public, max-age=3600');
    res.json({ languages: languages.map(({ code, name }) => ({ code, name })) });
  });

  return router;
}
