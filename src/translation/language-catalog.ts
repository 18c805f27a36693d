import type { Logger } from '../lib/logger.js';
import { TranslatorKeyRefusedError } from './deepl-translator.js';
import { builtInTargetLanguages, isTargetLanguageIn, type Language } from '../contract/languages.js';
import type { Translator } from './translator.js';

const oneDayMs = 24 * 60 * 60 * 1000;

/**
 * What the last question to DeepL showed: `up`, `off` (nothing configured), `key_refused` (DeepL
 * answered 403 to DEEPL_AUTH_KEY), `unavailable` (any other failure), `unknown` (not asked yet).
 */
export type TranslationCheck = 'up' | 'off' | 'key_refused' | 'unavailable' | 'unknown';

export interface LanguageCatalog {
  /** DeepL's target languages by name, cached for a day; the built-in list when DeepL is unreachable. */
  targetLanguages(): Promise<readonly Language[]>;
  /** Answers from what is known now (built-in list plus DeepL's last answer), without waiting. */
  isSupportedTarget(code: string): boolean;
  /** The translation check as last seen, without waiting; asks DeepL again in the background when due. */
  status(): TranslationCheck;
  /** Asks DeepL now unless a fresh answer is cached (start-up), and says how it went. */
  check(): Promise<TranslationCheck>;
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
  let lastCheck: TranslationCheck = options.translator.available ? 'unknown' : 'off';

  function failed(error: unknown): void {
    if (error instanceof TranslatorKeyRefusedError) {
      // Said once per change, as an error: only a person can fix the key.
      if (lastCheck !== 'key_refused') {
        options.logger.error(
          { variable: 'DEEPL_AUTH_KEY', status: 403 },
          'DeepL refused DEEPL_AUTH_KEY (403): translation is unavailable until the key is fixed; messages are shown in the original',
        );
      }
      lastCheck = 'key_refused';
      return;
    }
    options.logger.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'could not fetch DeepL target languages; using the built-in list',
    );
    lastCheck = 'unavailable';
  }

  async function load(): Promise<readonly Language[]> {
    if (!options.translator.available) {
      current = { languages: builtInTargetLanguages, expiresAt: Number.POSITIVE_INFINITY };
      return builtInTargetLanguages;
    }
    try {
      const live = await options.translator.targetLanguages();
      const languages = Object.freeze([...live].sort((a, b) => a.name.localeCompare(b.name)));
      current = { languages, expiresAt: now() + ttlMs };
      lastCheck = 'up';
      return languages;
    } catch (error) {
      failed(error);
      current = { languages: builtInTargetLanguages, expiresAt: now() + retryMs };
      return builtInTargetLanguages;
    }
  }

  function targetLanguages(): Promise<readonly Language[]> {
    if (current && current.expiresAt > now()) return Promise.resolve(current.languages);
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  return {
    targetLanguages,
    isSupportedTarget(code) {
      return isTargetLanguageIn(code, builtInTargetLanguages) || isTargetLanguageIn(code, current?.languages ?? []);
    },
    status() {
      void targetLanguages();
      return lastCheck;
    },
    async check() {
      await targetLanguages();
      return lastCheck;
    },
  };
}
