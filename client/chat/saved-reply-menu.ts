// Reps' `/` menu on the message box: an ARIA combobox whose listbox lists saved replies by name.
// ArrowUp/Down move, Enter (or Tab) inserts the reply for editing, Escape closes. The text is
// then sent like any message: translated for the customer, a memory hit for the common ones.
import { getJson } from '../lib/http.js';
import { h, setText } from '../lib/dom.js';
import { matchingReplies, pickerKey, slashQuery, type PickableReply } from './saved-reply-picker.js';
import { t } from '../lib/i18n.js';

export class SavedReplyMenu {
  readonly element: HTMLDivElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLParagraphElement;
  private replies: PickableReply[] | undefined;
  private shown: PickableReply[] = [];
  private active = -1;

  constructor(private readonly input: HTMLTextAreaElement, private readonly conversationId: string) {
    const listId = `${input.id}-replies`;
    this.list = h('ul', { id: listId, role: 'listbox', 'aria-label': t('rep.savedReplies', 'Saved replies'), class: 'max-h-56 overflow-y-auto rounded-md border border-slate-300 bg-white text-sm shadow-lg', 'data-part': 'saved-replies' });
    this.status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    this.element = h('div', { class: 'relative', hidden: true }, this.list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => void this.update());
    // Capture: the composer's own Enter-sends handler must not see the keys the menu uses.
    input.addEventListener('keydown', (event) => this.onKey(event), { capture: true });
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    input.after(this.status);
  }

  private async update(): Promise<void> {
    const query = slashQuery(this.input.value);
    if (query === undefined) return this.close();
    this.replies ??= await this.load();
    this.shown = matchingReplies(this.replies, query);
    this.active = this.shown.length > 0 ? 0 : -1;
    this.render();
  }

  private async load(): Promise<PickableReply[]> {
    try {
      const answer = await getJson<{ replies: PickableReply[] }>(`/api/saved-replies?conversationId=${encodeURIComponent(this.conversationId)}`);
      return answer.replies;
    } catch {
      return [];
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (this.element.hidden) return;
    const action = pickerKey(event.key, this.active, this.shown.length);
    if (action.type === 'none') return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (action.type === 'close') this.close();
    else if (action.type === 'move') this.highlight(action.index);
    else this.choose(action.index);
  }

  private choose(index: number): void {
    const reply = this.shown[index];
    if (!reply) return;
    this.input.value = reply.text;
    this.input.setSelectionRange(reply.text.length, reply.text.length);
    this.close();
    setText(this.status, t('rep.inserted', 'Inserted /{name}. Edit it, then send.', { name: reply.name }));
    this.input.focus();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.shown.map((reply, index) => {
        const option = h('li', { id: `${this.list.id}-${reply.id}`, role: 'option', 'aria-selected': String(index === this.active), class: 'cursor-pointer px-3 py-2 aria-selected:bg-indigo-100', 'data-reply-name': reply.name },
          h('span', { class: 'font-mono font-medium' }, `/${reply.name}`), ' ', h('span', { class: 'text-slate-600' }, reply.text.slice(0, 80)));
        option.addEventListener('mousedown', (event) => {
          event.preventDefault();
          this.choose(index);
        });
        return option;
      }),
    );
    if (this.shown.length === 0) this.list.append(h('li', { class: 'px-3 py-2 text-slate-600' }, t('rep.noReplyMatches', 'No saved reply matches. Add them on the Saved replies page.')));
    this.element.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.highlight(this.active);
    setText(this.status, `${this.shown.length} saved ${this.shown.length === 1 ? 'reply' : 'replies'}.`);
  }

  private highlight(index: number): void {
    this.active = index;
    const options = [...this.list.querySelectorAll<HTMLLIElement>('[role="option"]')];
    options.forEach((option, i) => option.setAttribute('aria-selected', String(i === index)));
    const current = options[index];
    if (current) {
      this.input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }

  private close(): void {
    this.element.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
