// One message in the list: author, time, the text in the reader's language, a "show original"
// toggle naming the source language, an "untranslated" mark, and for one's own messages the
// sending state (pending, failed with a retry button).
import type { ChatMessage } from './chat-client.js';
import { untranslatedNote, type ReaderRole, type Translation } from './translations.js';
import { formatTime, h, setText } from '../lib/dom.js';
import { languageNameInInterface, t } from '../lib/i18n.js';
import { languageLabel } from '../lib/languages.js';

export type SendState = 'sent' | 'pending' | 'failed';
/** Who reads a message when the page does not say: customers read reps, reps read customers. */
function inferReaderRole(message: ChatMessage, mine: boolean): ReaderRole {
  if (mine) return message.authorRole;
  return message.authorRole === 'customer' ? 'rep' : 'customer';
}

export class MessageItem {
  readonly element: HTMLLIElement;
  private readonly bodyEl: HTMLParagraphElement;
  private readonly noteEl: HTMLParagraphElement;
  private readonly toggle: HTMLButtonElement;
  private readonly statusEl: HTMLSpanElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly timeEl: HTMLTimeElement;
  private translation: Translation | undefined;
  private showingOriginal = false;
  private readonly readerRole: ReaderRole;

  constructor(
    public message: ChatMessage,
    readonly mine: boolean,
    onRetry: (item: MessageItem) => void,
    readerRole?: ReaderRole,
  ) {
    this.readerRole = readerRole ?? inferReaderRole(message, mine);
    const note = message.kind === 'note';
    // A line Parley wrote ("You are now talking to Ahmed") is nobody's bubble: centred and quiet.
    const system = message.kind === 'system';
    const side = system ? 'mx-auto items-center' : mine ? 'ml-auto items-end' : 'mr-auto items-start';
    // A private note looks like no message the customer could have read.
    const bubble = note ? 'border border-dashed border-amber-500 bg-amber-50 text-amber-950' : system ? 'bg-slate-200 text-sm text-slate-800' : mine ? 'bg-indigo-600 text-white' : 'bg-white text-slate-900 border border-slate-200';
    this.timeEl = h('time', { class: 'text-slate-600' });
    this.bodyEl = h('p', { class: `whitespace-pre-wrap break-words rounded-2xl px-4 py-2 ${bubble}`, 'data-part': 'body' });
    this.noteEl = h('p', { class: 'text-xs text-amber-800', 'data-part': 'untranslated', hidden: true });
    this.toggle = h('button', {
      type: 'button',
      class: 'text-xs text-indigo-700 underline hover:text-indigo-900',
      'data-part': 'toggle-original',
      'aria-pressed': 'false',
      hidden: true,
    });
    this.toggle.addEventListener('click', () => this.flip());
    this.retryButton = h('button', { type: 'button', class: 'ml-2 font-medium text-indigo-700 underline', hidden: true }, t('retry', 'Retry'));
    this.retryButton.addEventListener('click', () => onRetry(this));
    this.statusEl = h('span', { class: 'text-xs', 'data-part': 'send-state' });
    this.element = h(
      'li',
      { class: `flex max-w-[85%] flex-col gap-1 sm:max-w-[75%] ${side}`, 'data-message': '', 'data-kind': message.kind ?? 'message' },
      h('div', { class: 'flex flex-wrap items-baseline gap-2 text-xs' },
        note ? h('span', { class: 'rounded bg-amber-200 px-1.5 font-semibold uppercase tracking-wide text-amber-950', 'data-part': 'note-label' }, t('privateNote', 'Private note')) : null,
        h('span', { class: 'font-semibold text-slate-700', 'data-part': 'author', hidden: system }, message.authorName), this.timeEl),
      this.bodyEl,
      this.noteEl,
      this.toggle,
      h('div', { class: 'flex items-center' }, this.statusEl, this.retryButton),
    );
    this.setMessage(message);
  }

  setMessage(message: ChatMessage): void {
    this.message = message;
    this.element.dataset.messageId = message.id;
    // Search results link here (#message-<id>).
    if (message.id) this.element.id = `message-${message.id}`;
    this.element.dataset.clientId = message.clientId;
    const time = formatTime(message.createdAt);
    setText(this.timeEl, time.short);
    this.timeEl.dateTime = message.createdAt;
    this.timeEl.title = time.full;
    this.render();
  }

  setSendState(state: SendState): void {
    this.element.dataset.state = state;
    const labels: Record<SendState, string> = { sent: '', pending: t('sending', 'Sending…'), failed: t('notSent', 'Not sent.') };
    setText(this.statusEl, labels[state]);
    this.statusEl.className = `text-xs ${state === 'failed' ? 'text-red-700' : 'text-slate-500'}`;
    this.retryButton.hidden = state !== 'failed';
  }

  setTranslation(translation: Translation): void {
    // A later "untranslated" answer never replaces a translation we already have.
    if (translation.untranslated && this.translation && !this.translation.untranslated) return;
    this.translation = translation;
    this.render();
  }

  get isUntranslated(): boolean {
    return this.translation?.untranslated === true;
  }

  private flip(): void {
    this.showingOriginal = !this.showingOriginal;
    this.render();
  }

  private renderNote(translation: Translation | undefined, sourceLabel: string): void {
    this.noteEl.hidden = !translation?.untranslated;
    if (!translation?.untranslated) return;
    const note = untranslatedNote(translation, this.readerRole, sourceLabel);
    this.noteEl.className = `text-xs ${note.tone === 'warning' ? 'text-amber-800' : 'text-slate-600'}`;
    setText(this.noteEl, note.text);
  }

  private render(): void {
    const { message, translation } = this;
    const translated = translation !== undefined && !translation.untranslated;
    const original = !translated || this.showingOriginal;
    setText(this.bodyEl, original ? message.body : translation.text);
    const source = translation?.sourceLanguage ?? message.language;
    if (original && source) this.bodyEl.lang = source.toLowerCase();
    else this.bodyEl.removeAttribute('lang');
    this.element.dataset.translated = translated ? 'true' : 'false';
    const sourceName = languageNameInInterface(source, languageLabel(source));
    this.renderNote(translation, sourceName);
    this.toggle.hidden = !translated;
    this.toggle.setAttribute('aria-pressed', String(this.showingOriginal));
    setText(this.toggle, this.showingOriginal ? t('showTranslation', 'Show translation') : t('showOriginal', 'Show original ({language})', { language: sourceName }));
  }
}
