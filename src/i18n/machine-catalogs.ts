import IntlMessageFormat from 'intl-messageformat';
import type { Logger } from '../lib/logger.js';
import type { CatalogTranslator } from './catalog-translator.js';
import type { FlatCatalog } from './catalogs.js';
import { catalogFromXml, catalogToXml, keepTag, messageTag, placeholdersOf } from './icu-xml.js';

/** The English catalog in another DeepL language, made once by DeepL through the translation memory. */
export interface MachineCatalogs {
  /** The catalog when this process has it, without waiting. */
  peek(target: string): FlatCatalog | undefined;
  /** Made (or read from the memory) once per language; undefined while DeepL cannot make it. */
  load(target: string, locale?: string): Promise<FlatCatalog | undefined>;
}

export interface MachineCatalogOptions {
  english: FlatCatalog;
  translations: CatalogTranslator;
  logger: Logger;
  /** After a failed attempt (DeepL down, budget used up), pages read English this long before the next try. */
  retryMs?: number;
  now?: () => number;
}

const xml = { ignoreTags: [keepTag], splittingTags: [messageTag] } as const;

/** A translated message is used only when it is valid ICU with the English placeholders. */
function usable(translated: string | undefined, english: string, locale: string): translated is string {
  if (translated === undefined || translated.trim() === '') return false;
  try {
    new IntlMessageFormat(translated, locale);
    return placeholdersOf(translated).join() === placeholdersOf(english).join();
  } catch {
    return false;
  }
}

export function createMachineCatalogs(options: MachineCatalogOptions): MachineCatalogs {
  const keys = Object.keys(options.english);
  const englishMessages = keys.map((key) => options.english[key] ?? '');
  // The same text every time, so the translation memory answers every later process.
  const document = catalogToXml(englishMessages);
  const made = new Map<string, FlatCatalog>();
  const pending = new Map<string, Promise<FlatCatalog | undefined>>();
  const failedAt = new Map<string, number>();
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 60_000;

  async function make(target: string, locale: string): Promise<FlatCatalog | undefined> {
    const batch = await options.translations.translate([document], target, 'EN', { xml });
    const outcome = batch.translations[0];
    if (!outcome || outcome.untranslated) {
      failedAt.set(target, now());
      return undefined;
    }
    const translated = catalogFromXml(outcome.text);
    const catalog: Record<string, string> = {};
    let kept = 0;
    keys.forEach((key, index) => {
      const english = englishMessages[index] ?? '';
      const message = translated.get(index);
      const ok = usable(message, english, locale);
      catalog[key] = ok ? message : english;
      if (!ok) kept += 1;
    });
    if (kept > 0) options.logger.warn({ target, kept }, 'some interface texts stay in English: their translation broke a placeholder');
    made.set(target, catalog);
    return catalog;
  }

  return {
    peek: (target) => made.get(target),
    load(target, locale = target.toLowerCase()) {
      const ready = made.get(target);
      if (ready) return Promise.resolve(ready);
      const failed = failedAt.get(target);
      if (failed !== undefined && now() - failed < retryMs) return Promise.resolve(undefined);
      let running = pending.get(target);
      if (!running) {
        running = make(target, locale)
          .catch((error: unknown) => {
            options.logger.warn({ err: error, target }, 'could not translate the interface; showing English');
            failedAt.set(target, now());
            return undefined;
          })
          .finally(() => pending.delete(target));
        pending.set(target, running);
      }
      return running;
    },
  };
}
