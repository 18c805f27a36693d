import type { Logger } from '../lib/logger.js';
import { builtInTargetLanguages, isTargetLanguageIn, type Language } from '../contract/languages.js';
import type { Translator } from './translator.js';

const oneDayMs = 24 * 60 * 60 * 1000;

export interface LanguageCatalog {
  /** DeepL's target languages by name, cached for a day; the built-in list when DeepL is unreachable. */
  targetLanguages(): Promise<readonly Language[]>;
  /** Answers from what is known now (built-in list plus DeepL's last answer), without waiting. */
  isSupportedTarget(code: string): boolean;
}

export interface LanguageCatalogOptions {
  translator: Translator;
  logger: Logger;
  ttlMs?: number;
  /** After a failure, the built-in list is served this long before DeepL is asked again. */
  retryAfterFailureMs?: number;
  now?: () => number;
}

export function createLanguageCatalog(options: LanguageCatalogOptions): LanguageCatalog {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? oneDayMs;
  const retryMs = options.retryAfterFailureMs ?? 5 * 60 * 1000;
  let current: { languages: readonly Language[]; expiresAt: number } | undefined;
  let loading: Promise<readonly Language[]> | undefined;

  async function load(): Promise<readonly Language[]> {
    if (!options.translator.available) {
      current = { languages: builtInTargetLanguages, expiresAt: Number.POSITIVE_INFINITY };
      return builtInTargetLanguages;
    }
    try {
      const live = await options.translator.targetLanguages();
      const languages = Object.freeze([...live].sort((a, b) => a.name.localeCompare(b.name)));
      current = { languages, expiresAt: now() + ttlMs };
      return languages;
    } catch (error) {
      options.logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'could not fetch DeepL target languages; using the built-in list',
      );
      current = { languages: builtInTargetLanguages, expiresAt: now() + retryMs };
      return builtInTargetLanguages;
    }
  }

  return {
    targetLanguages() {
      if (current && current.expiresAt > now()) return Promise.resolve(current.languages);
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    isSupportedTarget(code) {
      return isTargetLanguageIn(code, builtInTargetLanguages) || isTargetLanguageIn(code, current?.languages ?? []);
    },
  };
}
