// Before the first message: the visitor's language (from the browser, changeable), and an
// optional name and e-mail. No account, no password.
import type { Language } from '../../src/contract/languages.js';
import { h, setText } from '../lib/dom.js';
import { languageNameInInterface, t } from '../lib/i18n.js';

export interface StartDetails {
  name: string;
  email: string;
  language: string;
}

const field = 'block w-full rounded-md border border-slate-300 px-3 py-2 text-base focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500';

export function languageSelect(id: string, languages: readonly Language[], selected: string): HTMLSelectElement {
  const select = h('select', { id, name: 'language', class: field });
  for (const language of languages) select.append(h('option', { value: language.code, selected: language.code === selected }, languageNameInInterface(language.code, language.name)));
  return select;
}

export function startForm(languages: readonly Language[], language: string, onStart: (details: StartDetails) => Promise<void>): HTMLFormElement {
  const name = h('input', { id: 'visitor-name', name: 'name', autocomplete: 'name', maxlength: '60', class: field });
  const email = h('input', { id: 'visitor-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: '200', class: field });
  const select = languageSelect('visitor-language', languages, language);
  const error = h('p', { class: 'text-sm text-rose-700', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2' }, t('widget.startChatting', 'Start chatting'));
  const form = h('form', { class: 'flex flex-col gap-3', 'data-part': 'start-form', novalidate: true },
    h('p', { class: 'text-sm text-slate-700' }, t('widget.intro', 'Write in your language: our team reads it in theirs, and you read their answers in yours.')),
    h('div', { class: 'flex flex-col gap-1' }, h('label', { for: 'visitor-language', class: 'text-sm font-medium' }, t('widget.yourLanguage', 'Your language')), select),
    h('div', { class: 'flex flex-col gap-1' }, h('label', { for: 'visitor-name', class: 'text-sm font-medium' }, t('widget.yourName', 'Your name (optional)')), name),
    h('div', { class: 'flex flex-col gap-1' }, h('label', { for: 'visitor-email', class: 'text-sm font-medium' }, t('widget.yourEmail', 'Your e-mail (optional)')), email),
    error, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    setText(error, '');
    onStart({ name: name.value, email: email.value, language: select.value }).catch((failure: unknown) => {
      setText(error, failure instanceof Error ? failure.message : t('widget.startFailed', 'The chat could not start. Try again.'));
      button.disabled = false;
    });
  });
  return form;
}
