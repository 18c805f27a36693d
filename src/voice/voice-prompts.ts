import { baseLanguage } from '../contract/languages.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationService } from '../translation/index.js';
import type { VoiceLanguage } from './voice-languages.js';

/** The fixed things a caller hears, in English: the originals, and what is spoken when DeepL is down. */
export const englishPrompts = {
  welcome: 'Hello, this is customer support. Please tell us how we can help you.',
  oneMoment: 'Thank you. One moment, please: a support agent is reading your message.',
  noRep: 'Sorry, no agent is available right now. Please leave a message after the tone, and we will call you back.',
  goodbye: 'Thank you for calling. Goodbye.',
} as const;

export type PromptName = keyof typeof englishPrompts;

/** Text to speak and the DeepL code of the language it is in (an English fallback is spoken in English). */
export interface Spoken {
  text: string;
  language: string;
}

export type PromptSet = Record<PromptName | 'menuChoice', Spoken>;

/** "For Spanish, press 2." — said in Spanish, so each caller hears their own language offered. */
export const menuChoiceText = (language: VoiceLanguage, digit: number) => `For ${language.englishName}, press ${digit}.`;

/** A failed translation is tried again at most this often (DeepL was down). */
const RETRY_AFTER_MS = 30_000;

/**
 * The prompts in each menu language, translated once through the translation service (so the
 * memory keeps them: a restart asks DeepL nothing) and then held here. A call never waits for
 * DeepL: until a language's prompts are ready, or while DeepL is failing, it hears the English.
 */
export function createPromptBook(deps: { menu: readonly VoiceLanguage[]; translations: Pick<TranslationService, 'translate'>; logger: Logger }) {
  const ready = new Map<string, PromptSet>();
  const inFlight = new Map<string, Promise<void>>();
  const lastFailure = new Map<string, number>();
  const names = Object.keys(englishPrompts) as PromptName[];

  const english = (language: VoiceLanguage): PromptSet => ({
    ...(Object.fromEntries(names.map((name) => [name, { text: englishPrompts[name], language: 'EN-US' }])) as Record<PromptName, Spoken>),
    menuChoice: { text: menuChoiceText(language, deps.menu.indexOf(language) + 1), language: 'EN-US' },
  });

  async function translateSet(language: VoiceLanguage): Promise<void> {
    const fallback = english(language);
    if (baseLanguage(language.deepl) === 'EN') return void ready.set(language.deepl, fallback);
    const texts = [...names.map((name) => englishPrompts[name]), fallback.menuChoice.text];
    const { translations } = await deps.translations.translate(texts, language.deepl, 'EN');
    if (translations.some((outcome) => outcome.untranslated)) {
      lastFailure.set(language.deepl, Date.now());
      deps.logger.warn({ language: language.deepl }, 'call prompts not translated yet: callers hear them in English');
      return;
    }
    const spoken = (index: number): Spoken => ({ text: translations[index]?.text ?? texts[index] ?? '', language: language.deepl });
    ready.set(language.deepl, {
      ...(Object.fromEntries(names.map((name, index) => [name, spoken(index)])) as Record<PromptName, Spoken>),
      menuChoice: spoken(names.length),
    });
  }

  function warm(language: VoiceLanguage): Promise<void> {
    const running = inFlight.get(language.deepl);
    if (running) return running;
    const work = translateSet(language)
      .catch((error: unknown) => deps.logger.warn({ err: error, language: language.deepl }, 'call prompts could not be translated'))
      .finally(() => inFlight.delete(language.deepl));
    inFlight.set(language.deepl, work);
    return work;
  }

  return {
    /** Translates every menu language's prompts now (start-up); resolves when each has an answer. */
    warmAll: async () => void (await Promise.all(deps.menu.map(warm))),
    /** At once: the translated prompts, or the English ones (and a translation is started). */
    promptsFor(language: VoiceLanguage): PromptSet {
      const found = ready.get(language.deepl);
      if (found) return found;
      if (Date.now() - (lastFailure.get(language.deepl) ?? 0) >= RETRY_AFTER_MS) void warm(language);
      return english(language);
    },
  };
}

export type PromptBook = ReturnType<typeof createPromptBook>;
