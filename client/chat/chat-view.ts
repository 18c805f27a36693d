// The live chat panel for one conversation, used by the customer's chat page and by each open
// conversation on the rep dashboard. It knows only the ChatClient interface.
import type { ChatClient, ChatMessage, User, ConversationSummary, HistoryPage, Unsubscribe } from './chat-client.js';
import { MessageItem } from './message-item.js';
import { Composer } from './composer.js';
import { attachDraftPreview } from './draft-preview.js';
import { PhonePanel } from './phone-panel.js';
import { newestMessageId, ReadMarks } from './read-marks.js';
import { flushWhenPageHides } from './read-marks-page.js';
import { attachSavedReplies } from './rep-tools.js';
import { TranslationRetry, type Translation, type Translations } from './translations.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { newClientId } from '../lib/ids.js';

export interface ChatViewOptions {
  client: ChatClient;
  me: User;
  conversationId: string;
  translations: Translations;
  /** Shown when the conversation is closed (e.g. the customer's "start a new conversation" form). */
  closedActions?: () => Node;
  onSummary?: (summary: ConversationSummary) => void;
  /** The newest page as the server rendered it: shown at once instead of being asked for again. */
  initialHistory?: HistoryPage;
}

const TYPING_SHOWN_MS = 4_000;
const NEAR_BOTTOM_PX = 48;
const LIVE_BATCH_MS = 60;

export class ChatView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly olderButton: HTMLButtonElement;
  private readonly newBelow: HTMLButtonElement;
  private readonly typingEl: HTMLParagraphElement;
  private readonly statusEl: HTMLParagraphElement;
  private readonly closedEl: HTMLDivElement;
  private readonly emptyEl: HTMLParagraphElement;
  private readonly composer: Composer;
  private readonly items = new Map<string, MessageItem>();
  private readonly retry: TranslationRetry;
  private readonly unsubscribe: Unsubscribe[] = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private liveQueue: MessageItem[] = [];
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private oldestId: string | undefined;
  private summary: ConversationSummary | undefined;
  private phonePanel: PhonePanel | undefined;
  private readonly readMarks: ReadMarks;
  private newestId: string | undefined;

  constructor(private readonly options: ChatViewOptions) {
    const id = options.conversationId;
    this.statusEl = h('p', { class: 'text-sm text-slate-600', role: 'status', 'data-part': 'connection' });
    this.olderButton = h('button', { type: 'button', class: 'mx-auto my-2 block rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-100', hidden: true }, t('loadOlder', 'Load older messages'));
    this.olderButton.addEventListener('click', () => void this.loadOlder());
    this.list = h('ol', {
      class: 'flex h-[55vh] min-h-[16rem] flex-col gap-3 overflow-y-auto rounded-lg border border-slate-200 bg-slate-100 p-3 sm:p-4',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': t('messages', 'Messages'),
      tabindex: '0',
      'data-part': 'messages',
    });
    this.list.addEventListener('scroll', () => this.isNearBottom() && (this.newBelow.hidden = true));
    this.newBelow = h('button', { type: 'button', class: 'mx-auto -mt-12 mb-4 block rounded-full bg-indigo-600 px-3 py-1 text-sm text-white shadow', hidden: true }, t('newBelow', 'New messages ↓'));
    this.newBelow.addEventListener('click', () => this.scrollToEnd());
    this.emptyEl = h('p', { class: 'py-6 text-center text-sm text-slate-600', 'data-part': 'empty', hidden: true },
      options.me.role === 'rep' ? t('emptyRep', 'No messages yet.') : t('emptyCustomer', 'Say hello: a support representative will answer here, in your language.'));
    this.typingEl = h('p', { class: 'h-5 text-sm italic text-slate-500', 'data-part': 'typing' });
    this.closedEl = h('div', { class: 'rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900', role: 'status', hidden: true, 'data-part': 'closed' });
    this.composer = new Composer(`composer-${id}`, {
      onSend: (body) => this.sendNew(body),
      onTyping: () => options.client.typing(id),
    });
    this.element = h('section', { class: 'flex h-full min-h-0 flex-col gap-2', 'aria-label': t('conversation', 'Conversation'), 'data-chat-view': id },
      this.statusEl, this.olderButton, this.emptyEl, this.list, this.newBelow, this.typingEl, this.closedEl, this.composer.element);
    this.retry = new TranslationRetry(options.translations, (results) => this.applyTranslations(results));
    this.readMarks = new ReadMarks((messageId) => options.client.markRead(id, messageId));
    if (options.me.role === 'rep') {
      attachDraftPreview(id, this.composer.element);
      attachSavedReplies(this.composer.element, id);
    }
  }

  /** A message that arrived another way (a note posted from the page's note form). */
  showMessage(message: ChatMessage): void {
    this.onMessage(message);
  }

  async start(): Promise<void> {
    const { client, conversationId } = this.options;
    this.unsubscribe.push(
      client.on('message', (message) => message.conversationId === conversationId && this.onMessage(message)),
      client.on('typing', (event) => event.conversationId === conversationId && this.onTyping(event.userId, event.username)),
      client.on('conversationUpdated', (summary) => summary.id === conversationId && this.setSummary(summary)),
      client.on('connection', (state) => this.onConnection(state)),
      flushWhenPageHides(this.readMarks),
    );
    setText(this.statusEl, t('loading', 'Loading messages…'));
    try {
      this.setSummary(await client.join(conversationId));
      await this.loadPage();
      setText(this.statusEl, '');
      this.scrollToEnd();
      this.readMarks.read(this.newestId);
    } catch {
      setText(this.statusEl, t('loadFailed', 'Could not load this conversation. Check your connection and reload the page.'));
    }
  }

  focusComposer(): void {
    this.composer.focus();
  }

  destroy(): void {
    for (const stop of this.unsubscribe) stop();
    this.phonePanel?.stop();
    this.retry.stop();
    clearTimeout(this.liveTimer);
    this.readMarks.flush();
    this.options.client.leave(this.options.conversationId);
    this.element.remove();
  }

  /**
   * Newest page at start and after a reconnect (`refresh`: merged in, paging left alone), or the
   * page before the oldest message shown.
   */
  private async loadPage(before?: string, refresh = false): Promise<void> {
    const initial = !before && !refresh ? this.options.initialHistory : undefined;
    const page = initial ?? (await this.options.client.loadHistory(this.options.conversationId, before));
    if (!refresh) {
      this.olderButton.hidden = !page.hasMore;
      this.oldestId = page.messages[0]?.id ?? this.oldestId;
    }
    const fresh = page.messages.filter((message) => !this.items.has(message.clientId));
    const items = fresh.map((message) => this.createItem(message));
    const anchor = before ? this.list.firstChild : null;
    for (const item of items) this.list.insertBefore(item.element, anchor);
    this.showEmptyState();
    await this.translate(items);
  }

  private showEmptyState(): void {
    this.emptyEl.hidden = this.items.size > 0;
  }

  private async loadOlder(): Promise<void> {
    const height = this.list.scrollHeight;
    await this.loadPage(this.oldestId).catch(() => setText(this.statusEl, t('loadOlderFailed', 'Could not load older messages.')));
    this.list.scrollTop += this.list.scrollHeight - height;
  }

  private createItem(message: ChatMessage, mine = message.authorId === this.options.me.id): MessageItem {
    const item = new MessageItem(message, mine, (failed) => this.resend(failed), this.options.me.role);
    item.setSendState('sent');
    this.items.set(message.clientId, item);
    this.newestId = newestMessageId(this.newestId, message.id);
    return item;
  }

  private onMessage(message: ChatMessage): void {
    const known = this.items.get(message.clientId);
    if (known) {
      this.newestId = newestMessageId(this.newestId, message.id);
      known.setMessage(message);
      known.setSendState('sent');
      return;
    }
    const stick = this.isNearBottom();
    const item = this.createItem(message);
    this.list.append(item.element);
    this.showEmptyState();
    this.clearTyping();
    this.translateSoon(item);
    if (stick || item.mine) this.scrollToEnd();
    else this.newBelow.hidden = false;
    if (!document.hidden) this.readMarks.read(this.newestId);
  }

  private sendNew(body: string): void {
    const { me, conversationId } = this.options;
    const message: ChatMessage = {
      id: '', conversationId, clientId: newClientId(), authorId: me.id, authorName: me.username,
      authorRole: me.role, body, language: me.language, createdAt: new Date().toISOString(),
    };
    const item = this.createItem(message, true);
    this.list.append(item.element);
    this.showEmptyState();
    this.scrollToEnd();
    this.readMarks.flush();
    this.transmit(item);
  }

  private resend(item: MessageItem): void {
    this.transmit(item);
  }

  private transmit(item: MessageItem): void {
    const { conversationId } = this.options;
    item.setSendState('pending');
    this.options.client.send(conversationId, item.message.clientId, item.message.body).then(
      (stored) => {
        item.setMessage(stored);
        item.setSendState('sent');
      },
      () => item.setSendState('failed'),
    );
  }

  private async translate(items: MessageItem[]): Promise<void> {
    const theirs = items.filter((item) => !item.mine);
    // A live message may carry the reader's translation already: no /translate for it then.
    const results = await this.options.translations.translate(
      theirs.map((item) => ({ key: item.message.clientId, text: item.message.body, language: item.message.language || null, carried: item.message.translations })),
    );
    this.applyTranslations(results);
    for (const item of theirs) {
      if (item.isUntranslated) this.retry.add({ key: item.message.clientId, text: item.message.body, language: item.message.language || null });
    }
  }

  /** Live messages arriving together (a burst after a reconnect, say) share one request. */
  private translateSoon(item: MessageItem): void {
    this.liveQueue.push(item);
    this.liveTimer ??= setTimeout(() => {
      const items = this.liveQueue.splice(0);
      this.liveTimer = undefined;
      void this.translate(items);
    }, LIVE_BATCH_MS);
  }

  private applyTranslations(results: Map<string, Translation>): void {
    for (const [key, translation] of results) this.items.get(key)?.setTranslation(translation);
  }

  private setSummary(summary: ConversationSummary): void {
    this.summary = summary;
    this.options.onSummary?.(summary);
    if (!this.phonePanel && summary.channel !== 'web' && this.options.me.role === 'rep') this.showPhonePanel(summary);
    const closed = summary.status === 'closed';
    this.composer.setDisabled(closed);
    this.closedEl.hidden = !closed;
    if (!closed) return;
    this.closedEl.replaceChildren(h('p', { class: 'font-medium' }, t('closedReadOnly', 'This conversation is closed. It is read-only now.')));
    const actions = this.options.closedActions?.();
    if (actions) this.closedEl.append(actions);
  }

  /** Reps answering an SMS or WhatsApp customer see what reached the phone. */
  private showPhonePanel(summary: ConversationSummary): void {
    this.phonePanel = new PhonePanel(summary, this.element);
    this.composer.element.before(this.phonePanel.element);
    this.phonePanel.start(this.composer.element.querySelector('textarea'));
  }

  private onTyping(userId: string, username: string): void {
    if (userId === this.options.me.id || this.summary?.status === 'closed') return;
    setText(this.typingEl, t('typing', '{name} is typing…', { name: username || t('someone', 'Someone') }));
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.clearTyping(), TYPING_SHOWN_MS);
  }

  private clearTyping(): void {
    clearTimeout(this.typingTimer);
    setText(this.typingEl, '');
  }

  private onConnection(state: string): void {
    const labels: Record<string, string> = {
      reconnecting: t('reconnecting', 'Connection lost. Reconnecting…'),
      disconnected: t('disconnected', 'Disconnected.'),
      failed: t('connectionFailed', 'Cannot reach the chat server. Reload the page to try again.'),
    };
    setText(this.statusEl, labels[state] ?? '');
    // Messages may have arrived while we were away: fetch the newest page again (merged by clientId).
    if (state === 'connected' && this.items.size > 0) void this.loadPage(undefined, true).catch(() => undefined);
  }

  private isNearBottom(): boolean {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < NEAR_BOTTOM_PX;
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
    this.newBelow.hidden = true;
  }
}
