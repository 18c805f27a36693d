// The visitor's language from the browser (navigator.languages, BCP 47 tags such as `es-ES`),
// matched to a DeepL target code: an exact regional target first (`en-GB` → EN-GB), else the
// language's usual target (`es-ES` → ES, `en` → EN-US, `zh-TW` → ZH-HANT).
import { builtInTargetLanguages, type Language } from '../../src/contract/languages.js';

const usualTarget: Record<string, string> = { EN: 'EN-US', PT: 'PT-BR', ZH: 'ZH-HANS', NO: 'NB', NN: 'NB' };
const regional: Record<string, string> = { 'ZH-TW': 'ZH-HANT', 'ZH-HK': 'ZH-HANT', 'ZH-MO': 'ZH-HANT', 'ZH-HANT-TW': 'ZH-HANT', 'PT-PT': 'PT-PT', 'ES-419': 'ES-419' };

export function matchLanguage(tags: readonly string[], languages: readonly Language[] = builtInTargetLanguages, fallback = 'EN-US'): string {
  const codes = new Set(languages.map((language) => language.code));
  for (const tag of tags) {
    const upper = tag.trim().toUpperCase();
    const [base = ''] = upper.split('-');
    const candidates = [regional[upper], upper, usualTarget[base], base];
    const found = candidates.find((code): code is string => Boolean(code) && codes.has(code ?? ''));
    if (found) return found;
  }
  return fallback;
}
