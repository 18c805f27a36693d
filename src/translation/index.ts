export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { createDeeplTranslator, splitIntoRequests, TranslatorKeyRefusedError, type DeeplTranslatorOptions } from './deepl-translator.js';
export { createLanguageCatalog, type LanguageCatalog, type TranslationCheck } from './language-catalog.js';
export {
  baseLanguage,
  builtInTargetLanguages,
  isBuiltInTargetLanguage,
  isSameLanguage,
  isTargetLanguageIn,
  languageName,
  normaliseLanguageCode,
  type Language,
  type LanguagesProvider,
} from '../contract/languages.js';
export {
  createCharacterBudget,
  createMemoryCharacterBudget,
  defaultTranslationLimits,
  translationRequestLimiter,
  type CharacterBudget,
  type Reservation,
  type TranslationLimits,
} from './translation-limits.js';
export { createTranslationMemory, memoryKey, type MemoryEntry, type TranslationMemory } from './translation-memory.js';
export {
  createTranslationFeature,
  createTranslator,
  describeTranslator,
  placeholderDeeplAuthKey,
  type TranslationFeature,
  type TranslationFeatureOptions,
} from './translation-feature.js';
export { translateHandlers, translationRoutes, type TranslationRoutesDeps } from './translation.routes.js';
export { translateFastPath, type TranslateFastPathDeps } from './translate-fast-path.js';
export {
  createTranslationService,
  type PrefetchOptions,
  type TranslateRequestOptions,
  type TranslationBatch,
  type TranslationOutcome,
  type TranslationService,
} from './translation.service.js';
export { createNoTranslator, type Formality, type TranslatedText, type TranslateOptions, type Translator, type XmlHandling } from './translator.js';
export { createDeeplAccount, type DeeplAccount } from './deepl-account.js';
export { createGlossaryDirectory, type ActiveGlossary, type GlossaryDirectory } from './glossary-directory.js';
export { createGlossaryService, glossaryPair, glossaryVersion, parseGlossaryCsv, type GlossaryService, type GlossarySummary, type GlossaryTerm } from './glossary.service.js';
export { formalityLanguages, resolveSettings } from './translation-settings.js';
export { createTranslationUsage, dayOf, monthOf, type TranslationUsage, type UsageFigure, type UsageKind } from './translation-usage.js';
export {
  budgetWarningShare,
  createMonthlyBudget,
  levelOf,
  TranslationBudgetExhaustedError,
  type BudgetLevel,
  type BudgetStatus,
  type MonthlyBudget,
  type TranslationCostSummary,
} from './translation-budget.js';
export { createNonEssentialTranslation, type NonEssentialTranslation } from './non-essential.js';
