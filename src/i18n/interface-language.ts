import type { Request } from 'express';
import { baseLanguage, builtInTargetLanguages, normaliseLanguageCode } from '../contract/languages.js';
import { isWrittenLanguage, type WrittenLanguage } from './catalogs.js';

/** Which catalog a reader's DeepL target code reads, and the locale its plurals follow. */
export type InterfaceLanguage =
  | { kind: 'written'; code: string; catalog: WrittenLanguage; locale: WrittenLanguage }
  | { kind: 'machine'; code: string; locale: string };

export const defaultLanguageCode = 'EN-US';

/** DeepL's `ZH-HANS` as a BCP 47 tag (`zh-Hans`), `PT-BR` as `pt-BR`: what Intl and <html lang> expect. */
export function bcp47(code: string): string {
  const [language = '', region] = normaliseLanguageCode(code).split('-');
  if (!region) return language.toLowerCase();
  const subtag = region.length === 4 ? region[0] + region.slice(1).toLowerCase() : region;
  return `${language.toLowerCase()}-${subtag}`;
}

/** EN-US and EN-GB read the English catalog, PT-BR and PT-PT the Portuguese one; DA reads Danish made from English. */
export function interfaceLanguageFor(code: string): InterfaceLanguage {
  const target = normaliseLanguageCode(code);
  const base = baseLanguage(target).toLowerCase();
  if (isWrittenLanguage(base)) return { kind: 'written', code: target, catalog: base, locale: base };
  return { kind: 'machine', code: target, locale: bcp47(target) };
}

// The written catalogs' variants first, so `en` picks EN-US and `pt` PT-BR (Negotiator keeps the
// given order among equally good matches).
const preferredFirst = ['EN-US', 'EN-GB', 'ES', 'ES-419', 'DE', 'FR', 'PT-BR', 'PT-PT'];
const negotiable = [...preferredFirst, ...builtInTargetLanguages.map((language) => language.code).filter((code) => !preferredFirst.includes(code))];

/** The DeepL target language the browser asks for (`Accept-Language: es-ES` → `ES`), if any. */
export function acceptedLanguage(req: Request): string | undefined {
  // Without the header Negotiator treats every language as acceptable and would pick the first.
  if (!req.get('accept-language')) return undefined;
  const found = req.acceptsLanguages(negotiable);
  return found ? normaliseLanguageCode(found) : undefined;
}
