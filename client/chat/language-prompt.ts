// The question "read replies in the language you write in?", shown live when the server notices
// a customer writing in another language than theirs. The server renders the same question on
// page load; this shows it without a reload. Plain forms: answering reloads into the new language.
import { h } from '../lib/dom.js';
import { csrfToken, getJson } from '../lib/http.js';

export interface LanguagePromptAnswer {
  prompt: { language: string; question: string; accept: string; decline: string } | null;
}

function answerForm(conversationId: string, answer: string, label: string, primary: boolean): HTMLFormElement {
  const style = primary
    ? 'rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700'
    : 'rounded-md border border-indigo-300 px-3 py-1.5 text-sm hover:bg-indigo-100';
  return h('form', { method: 'post', action: `/conversations/${conversationId}/language` },
    h('input', { type: 'hidden', name: '_csrf', value: csrfToken() }),
    h('button', { type: 'submit', name: 'answer', value: answer, class: style }, label));
}

/** Builds the question's box (all text set as text), or nothing when there is no question. */
export function languagePromptElement(conversationId: string, answer: LanguagePromptAnswer): HTMLElement | undefined {
  const { prompt } = answer;
  if (!prompt) return undefined;
  return h('div', { class: 'rounded-md border border-indigo-200 bg-indigo-50 p-3 text-indigo-900', role: 'status', 'data-part': 'language-prompt', lang: prompt.language.toLowerCase() },
    h('p', {}, prompt.question),
    h('div', { class: 'mt-2 flex flex-wrap gap-2' },
      answerForm(conversationId, prompt.language, prompt.accept, true),
      answerForm(conversationId, 'keep', prompt.decline, false)));
}

/** Shows the question once, above the chat, when a summary says there is one. */
export async function showLanguagePrompt(root: HTMLElement, conversationId: string): Promise<void> {
  if (root.querySelector('[data-part="language-prompt"]')) return;
  const element = languagePromptElement(conversationId, await getJson<LanguagePromptAnswer>(`/conversations/${conversationId}/language-prompt`));
  if (element && !root.querySelector('[data-part="language-prompt"]')) root.querySelector('[data-chat-mount]')?.before(element);
}
