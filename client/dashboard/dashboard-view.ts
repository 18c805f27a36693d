// The rep dashboard: a live list of conversations (open first, newest activity first) and a panel
// holding every conversation the rep opened, switched between without reloading the page.
import type { ChatClient, User, ConversationSummary } from '../chat/chat-client.js';
import { ChatView } from '../chat/chat-view.js';
import { needsTranslation, type Translations } from '../chat/translations.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { postAction } from '../lib/http.js';
import { ConversationRow } from './conversation-row.js';

export interface DashboardOptions {
  client: ChatClient;
  me: User;
  translations: Translations;
  /** Called after every change to the list (e.g. to keep the page's open count current). */
  onListChanged?: (conversations: ConversationSummary[]) => void;
  /** Called when a conversation is shown in the panel (notifications stay quiet about it). */
  onSelected?: (conversationId: string) => void;
}

export class DashboardView {
  readonly element: HTMLElement;
  private readonly listEl: HTMLUListElement;
  private readonly emptyEl: HTMLParagraphElement;
  private readonly noticeEl: HTMLParagraphElement;
  private readonly panelTitle: HTMLHeadingElement;
  private readonly panelBody: HTMLDivElement;
  private readonly rows = new Map<string, ConversationRow>();
  private readonly views = new Map<string, ChatView>();
  private selected: string | undefined;

  constructor(private readonly options: DashboardOptions) {
    this.listEl = h('ul', { class: 'flex flex-col gap-2', 'aria-label': t('dashboardList', 'Conversations'), 'data-part': 'conversation-list' });
    this.emptyEl = h('p', { class: 'rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600' }, t('dashboardEmpty', 'No conversations yet. New ones appear here as customers start them.'));
    this.noticeEl = h('p', { class: 'text-sm text-slate-700', role: 'status', 'data-part': 'notice' });
    this.panelTitle = h('h2', { class: 'text-lg font-semibold', tabindex: '-1' }, t('noneSelected', 'No conversation selected'));
    this.panelBody = h('div', { class: 'min-h-0 flex-1' },
      h('p', { class: 'text-sm text-slate-600' }, t('pickOne', 'Join or open a conversation from the list.')));
    this.element = h('div', { class: 'grid grid-cols-1 gap-6 md:grid-cols-[minmax(16rem,22rem)_minmax(0,1fr)]' },
      h('section', { class: 'flex min-w-0 flex-col gap-3', 'aria-label': t('listSection', 'Conversation list') },
        this.noticeEl, this.emptyEl, this.listEl),
      h('section', { class: 'flex min-w-0 flex-col gap-3', 'aria-label': t('selectedSection', 'Selected conversation'), 'data-part': 'panel' },
        this.panelTitle, this.panelBody),
    );
  }

  async start(initial: ConversationSummary[]): Promise<void> {
    const { client } = this.options;
    client.on('conversationCreated', (summary) => this.upsert([summary]));
    client.on('conversationUpdated', (summary) => this.upsert([summary]));
    this.upsert(initial);
    try {
      this.upsert(await client.subscribeDashboard());
    } catch {
      setText(this.noticeEl, t('liveUnavailable', 'Live updates are unavailable. Reload the page to try again.'));
    }
  }

  private upsert(summaries: ConversationSummary[]): void {
    const changedPreviews: ConversationRow[] = [];
    for (const summary of summaries) {
      const row = this.rows.get(summary.id);
      if (row) {
        const previewChanged = row.summary.lastMessagePreview !== summary.lastMessagePreview;
        row.update(summary);
        if (previewChanged) changedPreviews.push(row);
      } else {
        const created = new ConversationRow(summary, this.options.me, {
          open: (s) => this.open(s.id),
          join: (s) => void this.join(s),
          close: (s) => void this.close(s),
        });
        this.rows.set(summary.id, created);
        changedPreviews.push(created);
      }
    }
    this.sort();
    void this.translatePreviews(changedPreviews);
  }

  private sort(): void {
    const ordered = [...this.rows.values()].sort((a, b) => {
      if (a.summary.status !== b.summary.status) return a.summary.status === 'open' ? -1 : 1;
      return b.summary.lastActivityAt.localeCompare(a.summary.lastActivityAt);
    });
    // Re-appending moves rows without recreating them (focus inside a row survives).
    ordered.forEach((row, index) => {
      if (this.listEl.children[index] !== row.element) this.listEl.insertBefore(row.element, this.listEl.children[index] ?? null);
    });
    this.emptyEl.hidden = ordered.length > 0;
    this.options.onListChanged?.(ordered.map((row) => row.summary));
  }

  private async translatePreviews(rows: ConversationRow[]): Promise<void> {
    const language = this.options.me.language;
    const wanted = rows.filter((row) => row.summary.lastMessagePreview && needsTranslation(row.summary.lastMessageLanguage, language));
    const results = await this.options.translations.translate(
      wanted.map((row) => ({ key: row.summary.id, text: row.summary.lastMessagePreview, language: row.summary.lastMessageLanguage })),
    );
    for (const [id, translation] of results) {
      if (!translation.untranslated) this.rows.get(id)?.setTranslatedPreview(translation.text);
    }
  }

  private async join(summary: ConversationSummary): Promise<void> {
    try {
      await postAction(`/support/${encodeURIComponent(summary.id)}/join`);
      const me = this.options.me.id;
      const joined = summary.repIds.includes(me) ? summary : { ...summary, repIds: [...summary.repIds, me] };
      this.rows.get(summary.id)?.update(joined);
      this.open(summary.id);
    } catch {
      setText(this.noticeEl, t('joinFailed', 'Could not join the conversation with {name}. Try again.', { name: summary.customer.username }));
    }
  }

  private async close(summary: ConversationSummary): Promise<void> {
    try {
      await postAction(`/conversations/${encodeURIComponent(summary.id)}/close`);
      this.upsert([{ ...summary, status: 'closed' }]);
      setText(this.noticeEl, t('closedWith', 'Closed the conversation with {name}.', { name: summary.customer.username }));
    } catch {
      setText(this.noticeEl, t('closeFailed', 'Could not close the conversation with {name}. Try again.', { name: summary.customer.username }));
    }
  }

  /** Shows a conversation in the panel; views stay alive in the background, so switching is instant. */
  private open(conversationId: string): void {
    const row = this.rows.get(conversationId);
    if (!row) return;
    let view = this.views.get(conversationId);
    if (!view) {
      view = new ChatView({ ...this.options, conversationId, onSummary: (summary) => this.upsert([summary]) });
      this.views.set(conversationId, view);
      this.panelBody.append(view.element);
      void view.start();
    }
    if (this.selected === undefined) this.panelBody.replaceChildren(...[...this.views.values()].map((v) => v.element));
    this.selected = conversationId;
    for (const [id, other] of this.views) other.element.hidden = id !== conversationId;
    for (const [id, other] of this.rows) other.setSelected(id === conversationId);
    setText(this.panelTitle, t('conversationWith', 'Conversation with {name}', { name: row.summary.customer.username }));
    this.options.onSelected?.(conversationId);
    view.focusComposer();
  }
}
