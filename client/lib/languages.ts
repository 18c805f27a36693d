import { baseLanguage, builtInTargetLanguages, isSameLanguage } from '../../src/contract/languages.js';

export { isSameLanguage, baseLanguage };

/** "Spanish" for ES, "English (American)" for EN-US, "English" for a detected EN. */
export function languageLabel(code: string | null | undefined): string {
  if (!code) return 'another language';
  const wanted = code.trim().toUpperCase();
  const exact = builtInTargetLanguages.find((language) => language.code === wanted);
  if (exact) return exact.name;
  const sameBase = builtInTargetLanguages.find((language) => baseLanguage(language.code) === baseLanguage(wanted));
  return sameBase ? (sameBase.name.split(' (')[0] ?? wanted) : wanted;
}
