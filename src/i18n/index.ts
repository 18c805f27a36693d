// The interface in the reader's language: a request-scoped `t` in res.locals for every view.
// Signed-in users read their own language; anonymous pages follow Accept-Language; else English.
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger.js';
import type { CatalogTranslator } from './catalog-translator.js';
import { acceptedLanguage, defaultLanguageCode, interfaceLanguageFor } from './interface-language.js';
import { createInterfaceTexts, type Translate, type TranslateText } from './interface-text.js';
import { createMachineCatalogs } from './machine-catalogs.js';

export { acceptedLanguage, bcp47, interfaceLanguageFor, type InterfaceLanguage } from './interface-language.js';
export { flatten, loadCatalog, writtenLanguages, type Catalog, type FlatCatalog } from './catalogs.js';
export { catalogFromXml, catalogToXml, placeholdersOf } from './icu-xml.js';
export type { Translate, TranslateText } from './interface-text.js';

/** What every view may use (res.locals; app.locals holds the English ones for pages rendered before the middleware). */
export interface InterfaceLocals {
  t: Translate;
  /** For English texts from the code (error messages): the catalog's translation, or the text. */
  tm: TranslateText;
  /** The <html lang> of the page (`de`, `zh-Hans`). */
  uiLocale: string;
  /** True when the catalog is English machine-translated (the page says so). */
  uiMachineTranslated: boolean;
  /** The `client.*` messages, for the page's script (client/lib/i18n.ts). */
  uiClientStrings: Record<string, string>;
  /** The reader's DeepL target language (the page is in its catalog, or in English while that is being made). */
  uiLanguage: string;
}

export interface InterfaceLanguages {
  middleware: RequestHandler;
  /** The English locals, for app.locals. */
  englishLocals: InterfaceLocals;
  /** The locals for a DeepL target language (machine-translating its catalog first when needed). */
  localsFor(code: string): Promise<InterfaceLocals>;
}

export interface InterfaceLanguagesOptions {
  translations: CatalogTranslator;
  logger: Logger;
  retryMs?: number;
}

export function createInterfaceLanguages(options: InterfaceLanguagesOptions): InterfaceLanguages {
  const texts = createInterfaceTexts();
  const machine = createMachineCatalogs({ english: texts.english, translations: options.translations, logger: options.logger, retryMs: options.retryMs });
  const locals = (locale: string, code: string, machineMade = false): InterfaceLocals => ({
    t: texts.t(locale),
    tm: texts.translateText(locale),
    uiLocale: locale,
    uiMachineTranslated: machineMade,
    uiClientStrings: texts.client(locale, machineMade ? machine.peek(code) : undefined),
    uiLanguage: code,
  });
  const englishLocals = locals('en', defaultLanguageCode);
  // Built once per language: every request of a page or an API call reads them.
  const ready = new Map<string, InterfaceLocals>();

  async function localsFor(code: string): Promise<InterfaceLocals> {
    const language = interfaceLanguageFor(code);
    const known = ready.get(language.code);
    if (known) return known;
    if (language.kind === 'written') {
      const written = locals(language.locale, language.code);
      ready.set(language.code, written);
      return written;
    }
    const catalog = await machine.load(language.code, language.locale);
    // DeepL down or the budget used up: English until the next attempt.
    if (!catalog) return { ...englishLocals, uiLanguage: language.code };
    if (!ready.has(language.code)) {
      texts.add(language.locale, catalog);
      ready.set(language.code, locals(language.locale, language.code, true));
    }
    return ready.get(language.code) ?? englishLocals;
  }

  const middleware: RequestHandler = (req, res, next) => {
    const code = req.user?.language ?? acceptedLanguage(req) ?? defaultLanguageCode;
    localsFor(code).then((found) => {
      Object.assign(res.locals, found);
      next();
    }, next);
  };
  return { middleware, englishLocals, localsFor };
}

let englishOnly: InterfaceLocals | undefined;

/**
 * Gives a response the English view locals when the middleware did not run (an app composed
 * without it, an error raised before it): every view can then call t() and tm().
 */
export function ensureInterfaceLocals(res: Response): void {
  if (typeof res.locals.t === 'function') return;
  if (!englishOnly) {
    const texts = createInterfaceTexts();
    englishOnly = { t: texts.t('en'), tm: texts.translateText('en'), uiLocale: 'en', uiMachineTranslated: false, uiClientStrings: texts.client('en'), uiLanguage: defaultLanguageCode };
  }
  Object.assign(res.locals, englishOnly);
}

/** The request's `t` for a route (page titles); English when the middleware did not run. */
export function pageText(res: Response): Translate {
  ensureInterfaceLocals(res);
  return res.locals.t as Translate;
}
