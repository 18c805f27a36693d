import type { ConversationFormality } from '../contract/chat.js';
import { baseLanguage } from '../contract/languages.js';
import type { GlossaryDirectory } from './glossary-directory.js';
import type { Formality, TranslateOptions, XmlHandling } from './translator.js';

/** DeepL's target languages with a formal/informal register (`supports_formality`), by base code. */
export const formalityLanguages: ReadonlySet<string> = new Set(['DE', 'ES', 'FR', 'IT', 'JA', 'NL', 'PL', 'PT', 'RU']);

export interface SettingsRequest {
  source: string | undefined;
  target: string;
  /** Set only for text a customer reads: the conversation's register. Otherwise no formality. */
  register?: ConversationFormality;
  /** Leave `source_lang` out so DeepL says what it reads (not possible with a glossary). */
  detectSource?: boolean;
  /** The text is XML (the interface catalog): tags kept, placeholders in ignored tags untouched. */
  xml?: XmlHandling;
}

/** How one (source, target) call is made, and what of it the memory key must hold. */
export interface CallSettings {
  options: Omit<TranslateOptions, 'context'>;
  /** What changes the result: formality and the glossary's version (never the context). */
  keyOptions: Record<string, string>;
  /** False when DeepL is to detect the source language. */
  sendSource: boolean;
}

export interface SettingsSources {
  /** Default register per target base language (TRANSLATION_FORMALITY). */
  formalityDefaults: Readonly<Record<string, Formality>>;
  glossaries?: GlossaryDirectory;
}

function formalityFor(target: string, register: ConversationFormality | undefined, defaults: SettingsSources['formalityDefaults']): Formality | undefined {
  const base = baseLanguage(target);
  // Sent only where it applies: a language without registers would ignore it anyway.
  if (register === undefined || !formalityLanguages.has(base)) return undefined;
  if (register === 'formal') return 'prefer_more';
  if (register === 'informal') return 'prefer_less';
  return defaults[base];
}

export function resolveSettings(request: SettingsRequest, sources: SettingsSources): CallSettings {
  const options: CallSettings['options'] = {};
  const keyOptions: Record<string, string> = {};
  const formality = formalityFor(request.target, request.register, sources.formalityDefaults);
  if (formality) {
    options.formality = formality;
    keyOptions.formality = formality;
  }
  const glossary = request.source ? sources.glossaries?.find(request.source, request.target) : undefined;
  if (glossary) {
    options.glossaryId = glossary.id;
    keyOptions.glossary = glossary.version;
  }
  if (request.xml) {
    options.xml = request.xml;
    keyOptions.xml = [...request.xml.ignoreTags, '/', ...request.xml.splittingTags].join(',');
  }
  return { options, keyOptions, sendSource: !request.detectSource || glossary !== undefined };
}
