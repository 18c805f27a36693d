// The dashboard's queues: "Mine" (open conversations the rep owns), "Unassigned" (open ones nobody
// owns) and "All". The server renders the links (they work without this script, as
// /support?view=…); here they filter the live list in place and keep their counts current.
import type { ConversationSummary, User } from '../chat/chat-client.js';
import type { QueueCounts, QueueView } from '../../src/contract/chat.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const isQueue = (value: string | undefined): value is QueueView => value === 'mine' || value === 'unassigned' || value === 'all';

export function queueOf(summary: ConversationSummary, me: User): QueueView[] {
  if (summary.status !== 'open') return ['all'];
  if (!summary.assignee) return ['unassigned', 'all'];
  return summary.assignee.id === me.id ? ['mine', 'all'] : ['all'];
}

export class QueueFilter {
  private view: QueueView = 'all';
  private conversations: ConversationSummary[] = [];
  private readonly links: HTMLAnchorElement[];
  private readonly emptyEl: HTMLParagraphElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly me: User,
  ) {
    this.links = [...root.querySelectorAll<HTMLAnchorElement>('a[data-queue]')];
    const current = this.links.find((link) => link.getAttribute('aria-current') === 'page')?.dataset.queue;
    if (isQueue(current)) this.view = current;
    this.emptyEl = h('p', { class: 'text-sm text-slate-600', 'data-part': 'queue-empty', hidden: true }, t('rep.queueEmpty', 'Nothing in this queue right now.'));
    this.links[0]?.parentElement?.after(this.emptyEl);
    for (const link of this.links) {
      link.addEventListener('click', (event) => {
        const queue = link.dataset.queue;
        if (!isQueue(queue)) return;
        event.preventDefault();
        this.choose(queue);
      });
    }
  }

  /** The live list changed: counts and which rows show. */
  listChanged(conversations: ConversationSummary[]): void {
    this.conversations = conversations;
    const counts: QueueCounts = { mine: 0, unassigned: 0, all: 0 };
    for (const summary of conversations) {
      if (summary.status !== 'open') continue;
      for (const queue of queueOf(summary, this.me)) counts[queue] += 1;
    }
    for (const link of this.links) {
      const queue = link.dataset.queue;
      const count = link.querySelector('[data-queue-count]');
      if (isQueue(queue) && count) setText(count, String(counts[queue]));
    }
    this.apply();
  }

  private choose(queue: QueueView): void {
    this.view = queue;
    window.history.replaceState(null, '', `/support?view=${queue}`);
    for (const link of this.links) {
      const active = link.dataset.queue === queue;
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
      link.classList.toggle('bg-indigo-600', active);
      link.classList.toggle('text-white', active);
      link.classList.toggle('border-indigo-600', active);
      link.classList.toggle('bg-white', !active);
      link.classList.toggle('text-slate-800', !active);
    }
    this.apply();
  }

  private apply(): void {
    let shown = 0;
    for (const summary of this.conversations) {
      const row = this.root.querySelector<HTMLElement>(`[data-conversation-row="${CSS.escape(summary.id)}"]`);
      const visible = queueOf(summary, this.me).includes(this.view);
      if (row) row.hidden = !visible;
      if (visible) shown += 1;
    }
    this.emptyEl.hidden = shown > 0 || this.conversations.length === 0;
  }
}
