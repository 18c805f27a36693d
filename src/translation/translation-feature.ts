import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createDeeplTranslator } from './deepl-translator.js';
import { createLanguageCatalog, type LanguageCatalog } from './language-catalog.js';
import type { LanguagesProvider } from '../contract/languages.js';
import type { LimiterFactory } from '../lib/rate-limit-store.js';
import { createCharacterBudget, translationRequestLimiter, type CharacterBudget, type TranslationLimits } from './translation-limits.js';
import { createGlossaryDirectory, type GlossaryDirectory } from './glossary-directory.js';
import { createTranslationMemory } from './translation-memory.js';
import { createTranslationUsage, type TranslationUsage } from './translation-usage.js';
import { createMonthlyBudget, type MonthlyBudget } from './translation-budget.js';
import { createNonEssentialTranslation, type NonEssentialTranslation } from './non-essential.js';
import { createTranslationService, type TranslationService } from './translation.service.js';
import type { TranslationRoutesDeps } from './translation.routes.js';
import { createNoTranslator, placeholderDeeplAuthKey, type Translator } from './translator.js';

export { placeholderDeeplAuthKey } from './translator.js';

/**
 * DeepL with the configured key; a DeepL-compatible server at DEEPL_SERVER_URL with a
 * placeholder key; or translation off when neither is configured.
 */
export function createTranslator(deepl: Config['deepl']): Translator {
  if (!deepl.authKey && !deepl.serverUrl) return createNoTranslator();
  return createDeeplTranslator({
    authKey: deepl.authKey ?? placeholderDeeplAuthKey,
    serverUrl: deepl.serverUrl,
    timeoutMs: deepl.timeoutMs,
  });
}

/** Everything the rest of the app uses from translation; the app mounts translationRoutes(it). */
export interface TranslationFeature extends TranslationRoutesDeps {
  service: TranslationService;
  languages: LanguageCatalog;
  /** For the sign-up form: DeepL's target languages, or the built-in list. */
  languagesProvider: LanguagesProvider;
  /** Characters billed by DeepL, per conversation, day and month. */
  usage: TranslationUsage;
  /** TRANSLATION_MONTHLY_CHARACTERS: where this month stands, and whether previews may still cost. */
  budget: MonthlyBudget;
  /** Previews, back-translation, catalog translation: refused once the monthly budget is spent. */
  nonEssential: NonEssentialTranslation;
}

export interface TranslationFeatureOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** Replaces the translator built from config (tests, benchmarks). */
  translator?: Translator;
  breaker?: { failureThreshold?: number; cooldownMs?: number; now?: () => number };
  memoryCacheSize?: number;
  /** Per-user limits on /translate; config.translationLimits otherwise. */
  limits?: TranslationLimits;
  characterBudget?: CharacterBudget;
  /** Where the request limit and the character budget are counted (flexibleLimiters: Redis with REDIS_URL); this process otherwise. */
  limiters?: LimiterFactory;
  /** How long a change to the glossaries (admin CLI) may take to be used: 30 s by default. */
  glossaryRefreshMs?: number;
  glossaries?: GlossaryDirectory;
}

function budgetFrom(limiters: LimiterFactory | undefined, limits: TranslationLimits): CharacterBudget | undefined {
  return limiters && createCharacterBudget(limiters('translate-characters', { points: limits.charactersPerWindow, windowMs: limits.windowMs }));
}

export function createTranslationFeature(options: TranslationFeatureOptions): TranslationFeature {
  const { config, logger } = options;
  const translator = options.translator ?? createTranslator(config.deepl);
  const breaker = new CircuitBreaker({
    name: 'DeepL',
    logger,
    failureThreshold: options.breaker?.failureThreshold ?? 5,
    cooldownMs: options.breaker?.cooldownMs ?? 30_000,
    now: options.breaker?.now,
  });
  const memory = createTranslationMemory({ logger, cacheSize: options.memoryCacheSize });
  const usage = createTranslationUsage({ logger });
  const budget = createMonthlyBudget({ usage, limit: config.translationMonthlyCharacters, logger });
  // Every billed call re-reads the month (when a budget is set), so the 80 % line is logged as it is crossed.
  const meter: TranslationUsage = {
    ...usage,
    record: async (characters, conversationId, kind) => {
      await usage.record(characters, conversationId, kind);
      budget.afterBilling();
    },
  };
  const glossaries = options.glossaries ?? createGlossaryDirectory({ logger, refreshMs: options.glossaryRefreshMs });
  const service = createTranslationService({
    translator,
    memory,
    breaker,
    logger,
    timeoutMs: config.deepl.timeoutMs,
    formalityDefaults: config.translationFormality,
    glossaries: translator.available ? glossaries : undefined,
    usage: meter,
  });
  const languages = createLanguageCatalog({ translator, logger });
  const limits = options.limits ?? {
    requestsPerWindow: config.translationLimits.requestsPerMinute,
    charactersPerWindow: config.translationLimits.charactersPerMinute,
    windowMs: 60_000,
  };
  return {
    service,
    languages,
    languagesProvider: () => languages.targetLanguages(),
    usage,
    budget,
    nonEssential: createNonEssentialTranslation({ service, budget }),
    limits,
    requestLimiter: translationRequestLimiter(limits, options.limiters),
    characterBudget: options.characterBudget ?? budgetFrom(options.limiters, limits),
    isRemembered: service.isRemembered,
  };
}

/** One line at start-up saying where translations come from (never the key). */
export function describeTranslator(config: Readonly<Config>): string {
  if (config.deepl.serverUrl) return `DeepL-compatible server at ${config.deepl.serverUrl}`;
  return config.deepl.authKey ? 'DeepL' : 'off (no DEEPL_AUTH_KEY or DEEPL_SERVER_URL): originals are shown';
}
