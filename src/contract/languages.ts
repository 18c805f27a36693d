/** A DeepL target language: its code as DeepL spells it (upper case) and its English name. */
export interface Language {
  code: string;
  name: string;
}

/**
 * DeepL's target languages, used when DeepL cannot be asked (no key, unreachable). The live list
 * from DeepL replaces it when available.
 */
export const builtInTargetLanguages: readonly Language[] = Object.freeze([
  { code: 'AR', name: 'Arabic' },
  { code: 'BG', name: 'Bulgarian' },
  { code: 'CS', name: 'Czech' },
  { code: 'DA', name: 'Danish' },
  { code: 'DE', name: 'German' },
  { code: 'EL', name: 'Greek' },
  { code: 'EN-GB', name: 'English (British)' },
  { code: 'EN-US', name: 'English (American)' },
  { code: 'ES', name: 'Spanish' },
  { code: 'ES-419', name: 'Spanish (Latin American)' },
  { code: 'ET', name: 'Estonian' },
  { code: 'FI', name: 'Finnish' },
  { code: 'FR', name: 'French' },
  { code: 'HE', name: 'Hebrew' },
  { code: 'HU', name: 'Hungarian' },
  { code: 'ID', name: 'Indonesian' },
  { code: 'IT', name: 'Italian' },
  { code: 'JA', name: 'Japanese' },
  { code: 'KO', name: 'Korean' },
  { code: 'LT', name: 'Lithuanian' },
  { code: 'LV', name: 'Latvian' },
  { code: 'NB', name: 'Norwegian (Bokmål)' },
  { code: 'NL', name: 'Dutch' },
  { code: 'PL', name: 'Polish' },
  { code: 'PT-BR', name: 'Portuguese (Brazilian)' },
  { code: 'PT-PT', name: 'Portuguese (European)' },
  { code: 'RO', name: 'Romanian' },
  { code: 'RU', name: 'Russian' },
  { code: 'SK', name: 'Slovak' },
  { code: 'SL', name: 'Slovenian' },
  { code: 'SV', name: 'Swedish' },
  { code: 'TH', name: 'Thai' },
  { code: 'TR', name: 'Turkish' },
  { code: 'UK', name: 'Ukrainian' },
  { code: 'VI', name: 'Vietnamese' },
  { code: 'ZH-HANS', name: 'Chinese (simplified)' },
  { code: 'ZH-HANT', name: 'Chinese (traditional)' },
]);

/** Normalises a language code the way DeepL spells target codes: `en-us` → `EN-US`. */
export function normaliseLanguageCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The base language of a code: `EN-GB` → `EN`, `zh-hant` → `ZH`. */
export function baseLanguage(code: string): string {
  const normalised = normaliseLanguageCode(code);
  const dash = normalised.indexOf('-');
  return dash === -1 ? normalised : normalised.slice(0, dash);
}

/** True when text in `source` needs no translation for a reader of `target` (same base language). */
export function isSameLanguage(source: string | undefined, target: string): boolean {
  return Boolean(source) && baseLanguage(source ?? '') === baseLanguage(target);
}

export function isBuiltInTargetLanguage(code: string): boolean {
  const wanted = normaliseLanguageCode(code);
  return builtInTargetLanguages.some((language) => language.code === wanted);
}

export function languageName(code: string, languages: readonly Language[] = builtInTargetLanguages): string {
  const wanted = normaliseLanguageCode(code);
  return languages.find((language) => language.code === wanted)?.name ?? wanted;
}

/** True when `code` is one of `languages` (DeepL's live list or the built-in one). */
export function isTargetLanguageIn(code: string, languages: readonly Language[]): boolean {
  const wanted = normaliseLanguageCode(code);
  return languages.some((language) => language.code === wanted);
}

/** Gives the target languages a reader may choose (the sign-up form takes one of these). */
export type LanguagesProvider = () => Promise<readonly Language[]>;
