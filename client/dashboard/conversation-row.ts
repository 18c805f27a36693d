// One conversation on the rep dashboard: customer, language by name, status, translated preview
// of the last message, channel badge (web / SMS / WhatsApp), unread count, and the join / open / close / transcript actions.
import type { User, ConversationSummary } from '../chat/chat-client.js';
import { formatTime, h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { languageLabel } from '../lib/languages.js';
import { CallBadge } from './call-badge.js';

const channelLabels: Record<ConversationSummary['channel'], string> = { web: t('web', 'Web'), sms: 'SMS', whatsapp: 'WhatsApp', phone: t('phone', 'Phone') };

export interface RowActions {
  open: (summary: ConversationSummary) => void;
  join: (summary: ConversationSummary) => void;
  close: (summary: ConversationSummary) => void;
}

export class ConversationRow {
  readonly element: HTMLLIElement;
  private readonly primary: HTMLButtonElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly statusEl: HTMLSpanElement;
  private readonly previewEl: HTMLParagraphElement;
  private readonly unreadEl: HTMLSpanElement;
  private readonly timeEl: HTMLTimeElement;
  private readonly nameEl: HTMLSpanElement;
  private readonly languageEl: HTMLSpanElement;
  private readonly channelEl: HTMLSpanElement;
  private readonly ownerEl: HTMLSpanElement;
  private translatedPreview: string | undefined;
  private readonly callBadge = new CallBadge();

  constructor(
    public summary: ConversationSummary,
    private readonly me: User,
    actions: RowActions,
  ) {
    this.nameEl = h('span', { class: 'font-semibold text-slate-900', 'data-part': 'customer' });
    this.languageEl = h('span', { class: 'text-xs text-slate-600', 'data-part': 'language' });
    this.channelEl = h('span', { class: 'rounded bg-sky-100 px-1.5 text-xs font-medium text-sky-900', 'data-part': 'channel' });
    this.statusEl = h('span', { class: 'rounded-full px-2 py-0.5 text-xs font-medium', 'data-part': 'status' });
    this.ownerEl = h('span', { class: 'text-xs text-slate-700', 'data-part': 'owner' });
    this.unreadEl = h('span', { class: 'rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white', 'data-part': 'unread' });
    this.timeEl = h('time', { class: 'text-xs text-slate-600' });
    this.previewEl = h('p', { class: 'truncate text-sm text-slate-700', 'data-part': 'preview' });
    this.primary = h('button', { type: 'button', class: 'rounded-md bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500' });
    this.primary.addEventListener('click', () => (this.joined ? actions.open(this.summary) : actions.join(this.summary)));
    this.closeButton = h('button', { type: 'button', class: 'rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100' }, t('rowClose', 'Close'));
    this.closeButton.addEventListener('click', () => actions.close(this.summary));
    const transcript = h('a', { href: `/conversations/${encodeURIComponent(summary.id)}/transcript`, class: 'px-1 text-sm text-indigo-700 underline' }, t('rowTranscript', 'Transcript'));
    this.element = h('li', { class: 'rounded-lg border border-slate-200 bg-white p-3 shadow-sm', 'data-conversation-row': summary.id },
      h('div', { class: 'flex flex-wrap items-center gap-2' }, this.nameEl, this.channelEl, this.callBadge.element, this.languageEl, this.statusEl, this.ownerEl, this.unreadEl, h('span', { class: 'ml-auto' }, this.timeEl)),
      this.previewEl,
      h('div', { class: 'mt-2 flex flex-wrap items-center gap-2' }, this.primary, this.closeButton, transcript),
    );
    this.update(summary);
  }

  get joined(): boolean {
    return this.summary.repIds.includes(this.me.id);
  }

  update(summary: ConversationSummary): void {
    if (summary.lastMessagePreview !== this.summary.lastMessagePreview) this.translatedPreview = undefined;
    this.summary = summary;
    const open = summary.status === 'open';
    const name = summary.customer.username;
    setText(this.nameEl, name);
    setText(this.languageEl, languageLabel(summary.customer.language));
    setText(this.channelEl, channelLabels[summary.channel] ?? t('web', 'Web'));
    this.callBadge.show(summary.call);
    setText(this.statusEl, open ? t('open', 'Open') : t('closed', 'Closed'));
    this.statusEl.className = `rounded-full px-2 py-0.5 text-xs font-medium ${open ? 'bg-emerald-100 text-emerald-900' : 'bg-slate-200 text-slate-700'}`;
    const owner = summary.assignee;
    setText(this.ownerEl, !owner ? 'Unassigned' : owner.id === this.me.id ? 'Yours' : `Owner: ${owner.username}`);
    this.unreadEl.hidden = summary.unread === 0;
    setText(this.unreadEl, `${summary.unread} unread`);
    const time = formatTime(summary.lastActivityAt);
    setText(this.timeEl, time.short);
    this.timeEl.dateTime = summary.lastActivityAt;
    this.renderPreview();
    setText(this.primary, this.joined ? t('rowOpen', 'Open') : t('rowJoin', 'Join'));
    this.primary.setAttribute('aria-label', this.joined ? t('openWith', 'Open conversation with {name}', { name }) : t('joinWith', 'Join conversation with {name}', { name }));
    this.primary.hidden = !open && !this.joined;
    this.closeButton.hidden = !open;
    this.closeButton.setAttribute('aria-label', t('closeWith', 'Close conversation with {name}', { name }));
  }

  setTranslatedPreview(text: string): void {
    this.translatedPreview = text;
    this.renderPreview();
  }

  setSelected(selected: boolean): void {
    this.element.classList.toggle('ring-2', selected);
    this.element.classList.toggle('ring-indigo-500', selected);
    if (selected) this.element.setAttribute('aria-current', 'true');
    else this.element.removeAttribute('aria-current');
  }

  private renderPreview(): void {
    const text = this.translatedPreview ?? this.summary.lastMessagePreview;
    setText(this.previewEl, text || t('rowNoMessages', 'No messages yet'));
  }
}
