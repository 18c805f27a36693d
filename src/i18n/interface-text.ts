import i18next, { type i18n as I18next, type TFunction } from 'i18next';
import ICU from 'i18next-icu';
import { clientSubset, flatten, loadCatalog, unflatten, writtenLanguages, type FlatCatalog } from './catalogs.js';
import { placeholdersOf } from './icu-xml.js';

/** Formats one message of the catalog: `t('chat.send')`, `t('chat.upTo', { max: 1600 })`. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;
/** Translates a text the code wrote in English (an error message) when the catalog has it; else returns it. */
export type TranslateText = (english: string) => string;

export interface InterfaceTexts {
  readonly english: FlatCatalog;
  /** Adds a machine-translated catalog under its locale (`da`, `zh-Hans`). */
  add(locale: string, catalog: FlatCatalog): void;
  t(locale: string): Translate;
  /** The messages in English only: error messages thrown by services are looked up by their text. */
  translateText(locale: string): TranslateText;
  client(locale: string, machine?: FlatCatalog): Record<string, string>;
}

// Services throw errors with English messages (one AppError family, src/lib/errors.ts). Like
// gettext, the English text is the lookup key: the `messages.*` and `errors.*` groups of en.json,
// a placeholder matching any text (`Messages can be at most {max} characters.`).
const lookedUpGroups = ['messages.', 'errors.'];

interface TextPattern {
  key: string;
  pattern: RegExp;
  names: string[];
}

function textIndex(english: FlatCatalog): { exact: Map<string, string>; patterns: TextPattern[] } {
  const exact = new Map<string, string>();
  const patterns: TextPattern[] = [];
  for (const [key, message] of Object.entries(english)) {
    if (!lookedUpGroups.some((group) => key.startsWith(group))) continue;
    const names = placeholdersOf(message);
    if (names.length === 0) {
      exact.set(message, key);
      continue;
    }
    const source = message.split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 ? '(.+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    patterns.push({ key, pattern: new RegExp(`^${source.join('')}$`), names: [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '') });
  }
  return { exact, patterns };
}

export function createInterfaceTexts(): InterfaceTexts {
  const resources = Object.fromEntries(writtenLanguages.map((language) => [language, { translation: loadCatalog(language) }]));
  const instance: I18next = i18next.createInstance();
  // Synchronous: every catalog is in memory; unknown keys fall back to English, then show the key.
  void instance.use(ICU).init({ initAsync: false, resources, fallbackLng: 'en', load: 'currentOnly', supportedLngs: false, returnNull: false });
  const english = flatten(loadCatalog('en'));
  const index = textIndex(english);
  const fixed = new Map<string, TFunction>();
  const tFor = (locale: string): TFunction => {
    let found = fixed.get(locale);
    if (!found) fixed.set(locale, (found = instance.getFixedT(locale)));
    return found;
  };

  return {
    english,
    add(locale, catalog) {
      instance.addResourceBundle(locale, 'translation', unflatten(catalog), true, true);
      fixed.delete(locale);
    },
    t(locale) {
      const t = tFor(locale);
      return (key, params) => t(key, params ?? {});
    },
    translateText(locale) {
      const t = tFor(locale);
      return (text) => {
        const key = index.exact.get(text);
        if (key) return t(key);
        for (const { key: patternKey, pattern, names } of index.patterns) {
          const match = pattern.exec(text);
          if (match) return t(patternKey, Object.fromEntries(names.map((name, position) => [name, match[position + 1]])));
        }
        return text;
      };
    },
    client(locale, machine) {
      if (machine) return clientSubset(machine);
      const bundle = instance.getResourceBundle(locale, 'translation') as Parameters<typeof flatten>[0] | undefined;
      return { ...clientSubset(english), ...clientSubset(bundle ? flatten(bundle) : {}) };
    },
  };
}
