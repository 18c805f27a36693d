// What a rep's chat adds to the message box and the page: the `/` saved-reply menu, and the
// private-note form sent without reloading (the form works without scripts too).
import type { ChatMessage } from './chat-client.js';
import { SavedReplyMenu } from './saved-reply-menu.js';
import { postJson } from '../lib/http.js';
import { newClientId } from '../lib/ids.js';
import { setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** Puts the `/` menu above the composer's message box. */
export function attachSavedReplies(composer: HTMLElement, conversationId: string): SavedReplyMenu | undefined {
  const input = composer.querySelector('textarea');
  if (!input) return undefined;
  const menu = new SavedReplyMenu(input, conversationId);
  composer.prepend(menu.element);
  return menu;
}

/** The page's note form posts the note as JSON and shows it in the live list at once. */
export function enhanceNoteForm(conversationId: string, show: (note: ChatMessage) => void): void {
  const form = document.querySelector<HTMLFormElement>('form[data-part="note-form"]');
  const input = form?.querySelector('textarea');
  if (!form || !input) return;
  const error = document.createElement('p');
  error.className = 'text-sm text-rose-700';
  error.setAttribute('role', 'alert');
  form.append(error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return setText(error, t('rep.writeNoteFirst', 'Write the note first.'));
    postJson<{ message: ChatMessage }>(`/api/conversations/${conversationId}/notes`, { clientId: newClientId(), body }).then(
      ({ message }) => {
        input.value = '';
        setText(error, '');
        show(message);
      },
      (failure: unknown) => setText(error, failure instanceof Error ? failure.message : t('rep.noteNotSaved', 'The note was not saved. Try again.')),
    );
  });
}

/** A search result opened the page at a message (#message-<id>): show it, marked. */
export function openAtMessage(): void {
  const target = /^#message-[a-f0-9]{24}$/i.test(window.location.hash) ? document.getElementById(window.location.hash.slice(1)) : null;
  if (!target) return;
  target.scrollIntoView({ block: 'center' });
  target.classList.add('ring-2', 'ring-amber-400', 'rounded-2xl');
}
