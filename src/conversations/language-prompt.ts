import type { User } from '../contract/chat.js';
import { baseLanguage, builtInTargetLanguages, languageName } from '../contract/languages.js';
import type { ConversationView } from './conversation.view.js';
import type { MessageTranslations } from './message-pipeline.js';

/** The question a customer is asked, in the language they seem to write in. */
export interface LanguagePrompt {
  /** The DeepL target code accepting switches to (`PT-BR` for `PT`). */
  language: string;
  question: string;
  accept: string;
  decline: string;
  /** True when the question could not be translated and shows in English. */
  untranslated: boolean;
}

/** The first target code of a base language: DeepL detects `PT`, customers read `PT-BR`. */
export function targetFor(base: string): string | undefined {
  return builtInTargetLanguages.find(({ code }) => baseLanguage(code) === base)?.code;
}

/**
 * Made only for the conversation's customer while a suggestion stands. Translated through the
 * memory like any text: the same question costs DeepL once per language.
 */
export async function languagePromptFor(
  view: ConversationView,
  user: Pick<User, 'id' | 'role'>,
  translations: MessageTranslations | undefined,
): Promise<LanguagePrompt | undefined> {
  const language = view.languageSuggestion ? targetFor(view.languageSuggestion) : undefined;
  if (!language || user.role !== 'customer' || view.customer.id !== user.id) return undefined;
  const name = languageName(language).replace(/ \(.*\)$/, '');
  const current = languageName(view.customer.language);
  const english = [
    `You seem to be writing in ${name}. Would you like to read the replies in ${name}?`,
    `Yes, show replies in ${name}`,
    `No, keep ${current}`,
  ];
  const batch = translations ? await translations.translate(english, language, 'EN') : undefined;
  const texts = english.map((text, index) => batch?.translations[index]?.text ?? text);
  const untranslated = !batch || batch.translations.some((item) => item.untranslated);
  return { language, question: texts[0] ?? '', accept: texts[1] ?? '', decline: texts[2] ?? '', untranslated };
}
