// The message box: Enter sends, Shift+Enter makes a new line, typing is reported at most every
// couple of seconds, and the box is disabled when the conversation is closed.
import { MAX_MESSAGE_LENGTH } from '../../src/contract/chat.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const TYPING_EVERY_MS = 2_000;

export interface ComposerHandlers {
  onSend: (body: string) => void;
  onTyping: () => void;
}

export class Composer {
  readonly element: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly button: HTMLButtonElement;
  private lastTyping = 0;

  constructor(id: string, private readonly handlers: ComposerHandlers) {
    this.input = h('textarea', {
      id,
      name: 'body',
      rows: '2',
      maxlength: String(MAX_MESSAGE_LENGTH),
      required: true,
      'aria-describedby': `${id}-hint`,
      class: 'block w-full resize-y rounded-md border border-slate-300 px-3 py-2 text-base focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500',
    });
    this.button = h('button', { type: 'submit', class: 'rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:bg-slate-400' }, t('send', 'Send'));
    this.element = h('form', { class: 'flex flex-col gap-1', 'data-part': 'composer' },
      h('label', { for: id, class: 'text-sm font-medium text-slate-700' }, t('yourMessage', 'Your message')),
      h('div', { class: 'flex items-end gap-2' }, this.input, this.button),
      h('p', { id: `${id}-hint`, class: 'text-xs text-slate-600' }, t('composerHint', 'Enter sends · Shift+Enter starts a new line')),
    );
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => this.reportTyping());
  }

  focus(): void {
    this.input.focus();
  }

  setDisabled(disabled: boolean): void {
    this.input.disabled = disabled;
    this.button.disabled = disabled;
    this.element.hidden = disabled;
  }

  private submit(): void {
    const body = this.input.value.trim();
    if (!body || this.input.disabled) return;
    this.input.value = '';
    // The next keystroke starts a new message: report it at once.
    this.lastTyping = 0;
    this.handlers.onSend(body);
  }

  private reportTyping(): void {
    const now = Date.now();
    if (now - this.lastTyping < TYPING_EVERY_MS || this.input.value.trim() === '') return;
    this.lastTyping = now;
    this.handlers.onTyping();
  }
}
