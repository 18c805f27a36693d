import { baseLanguage, isBuiltInTargetLanguage, normaliseLanguageCode } from '../contract/languages.js';
import type { TranslationService } from '../translation/index.js';

/** Fewer letters than this ("hi", "ok?") say too little to tell a language. */
export const MIN_DETECTABLE_LETTERS = 12;

export interface LanguageRules {
  defaultLanguage: string;
  /** `EN` → `EN-US`: DeepL detects base languages, some of which are targets only as variants. */
  languageVariants: Record<string, string>;
}

/** The target code a detected language becomes; undefined when Parley cannot write in it. */
export function targetFor(detected: string, rules: LanguageRules): string | undefined {
  const base = baseLanguage(detected);
  const variant = rules.languageVariants[base];
  if (variant) return variant;
  return isBuiltInTargetLanguage(base) ? normaliseLanguageCode(base) : undefined;
}

export function isDetectable(body: string): boolean {
  return (body.match(/\p{L}/gu) ?? []).length >= MIN_DETECTABLE_LETTERS;
}

/**
 * The language a message is written in, asked of DeepL (its `detected_source_lang`) by
 * translating it into the default language; the same call warms the translation memory.
 * Undefined when the text is too short, translation is off or DeepL is failing.
 */
export async function detectLanguage(translations: Pick<TranslationService, 'translate'>, body: string, rules: LanguageRules): Promise<string | undefined> {
  if (!isDetectable(body)) return undefined;
  const [outcome] = (await translations.translate([body], rules.defaultLanguage)).translations;
  if (!outcome?.detectedSourceLang) return undefined;
  return targetFor(outcome.detectedSourceLang, rules);
}
