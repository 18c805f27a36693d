// Tells a rep what needs them while they look elsewhere: a new conversation, a new message in a
// conversation they own, a conversation handed to them. Each gives a browser notification (once
// the rep allowed it, asked from a click, never on load), an optional sound (remembered in this
// browser), an in-page notice and a count in the tab's title. Nothing when the rep is looking at
// that conversation (the tab visible and the conversation open in the panel).
import type { ChatClient, ConversationSummary, User } from '../chat/chat-client.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const soundKey = 'parley.notifications.sound';

export interface NotifierOptions {
  client: ChatClient;
  me: User;
  /** Where the settings go (an empty element the page rendered hidden). */
  settings: HTMLElement | null;
  /** The conversation open in the panel, if any. */
  selected: () => string | undefined;
}

export class Notifier {
  private readonly unseen = new Map<string, number>();
  private readonly unread = new Map<string, number>();
  private readonly baseTitle = document.title;
  private readonly noticeEl: HTMLParagraphElement;
  private audio: AudioContext | undefined;

  constructor(private readonly options: NotifierOptions) {
    this.noticeEl = h('p', { class: 'text-sm text-slate-800', role: 'status', 'data-part': 'notification' });
    this.renderSettings();
    const { client } = options;
    client.on('conversationCreated', (summary) => {
      this.unread.set(summary.id, summary.unread);
      this.notify(summary.id, t('rep.newConversation', 'New conversation'), t('rep.startedConversation', '{name} started a conversation.', { name: summary.customer.username }));
    });
    client.on('conversationUpdated', (summary) => this.onUpdated(summary));
    client.on('handedOver', (notice) =>
      this.notify(notice.conversationId, t('rep.handedYou', '{from} handed you the conversation with {name}', { from: notice.fromName, name: notice.customerName }), notice.note ?? ''));
    document.addEventListener('visibilitychange', () => this.seen(this.options.selected()));
  }

  /** The rows the page started with: their unread counts are not news. */
  remember(conversations: ConversationSummary[]): void {
    for (const summary of conversations) this.unread.set(summary.id, summary.unread);
  }

  /** The rep opened a conversation: what was waiting there is seen. */
  seen(conversationId: string | undefined): void {
    if (conversationId === undefined || document.visibilityState !== 'visible') return;
    this.unseen.delete(conversationId);
    this.renderTitle();
  }

  private onUpdated(summary: ConversationSummary): void {
    const before = this.unread.get(summary.id);
    this.unread.set(summary.id, summary.unread);
    const owned = summary.status === 'open' && summary.assignee?.id === this.options.me.id;
    if (owned && before !== undefined && summary.unread > before) {
      this.notify(summary.id, t('rep.newMessageFrom', 'New message from {name}', { name: summary.customer.username }), t('rep.inYours', 'In a conversation you own.'));
    }
  }

  private looking(conversationId: string): boolean {
    return document.visibilityState === 'visible' && this.options.selected() === conversationId;
  }

  private notify(conversationId: string, title: string, body: string): void {
    if (this.looking(conversationId)) return;
    this.unseen.set(conversationId, (this.unseen.get(conversationId) ?? 0) + 1);
    this.renderTitle();
    setText(this.noticeEl, body ? `${title}: ${body}` : title);
    if ('Notification' in window && Notification.permission === 'granted') {
      try {
        const shown = new Notification(title, { body, tag: `parley-${conversationId}` });
        shown.addEventListener('click', () => window.focus());
      } catch {
        // Some mobile browsers show notifications only from a service worker: the notice and title remain.
      }
    }
    if (localStorage.getItem(soundKey) === 'on') this.beep();
  }

  private renderTitle(): void {
    const count = [...this.unseen.values()].reduce((sum, n) => sum + n, 0);
    document.title = count > 0 ? `(${count}) ${this.baseTitle}` : this.baseTitle;
  }

  private renderSettings(): void {
    const { settings } = this.options;
    if (!settings) return;
    const sound = h('input', { type: 'checkbox', id: 'notification-sound', class: 'h-4 w-4' });
    sound.checked = localStorage.getItem(soundKey) === 'on';
    sound.addEventListener('change', () => {
      localStorage.setItem(soundKey, sound.checked ? 'on' : 'off');
      if (sound.checked) this.beep(); // a click: the browser lets the page start its sound now
    });
    settings.replaceChildren(this.permissionControl(), h('span', { class: 'flex items-center gap-1' }, sound, h('label', { for: 'notification-sound' }, t('rep.sound', 'Sound'))), this.noticeEl);
    settings.hidden = false;
  }

  private permissionControl(): HTMLElement {
    if (!('Notification' in window)) return h('span', { class: 'text-slate-600' }, t('rep.noNotifications', 'This browser shows no notifications.'));
    const state = h('span', { 'data-part': 'notification-permission' });
    const button = h('button', { type: 'button', class: 'rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100' }, t('rep.turnOnNotifications', 'Turn on notifications'));
    const render = () => {
      const permission = Notification.permission;
      button.hidden = permission !== 'default';
      setText(state, permission === 'granted' ? t('rep.notificationsOn', 'Notifications on.') : permission === 'denied' ? t('rep.notificationsBlocked', 'Notifications are blocked in this browser.') : '');
    };
    button.addEventListener('click', () => void Notification.requestPermission().then(render, render));
    render();
    return h('span', { class: 'flex items-center gap-2' }, button, state);
  }

  /** A short tone made on the spot (no sound file to load). */
  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const oscillator = this.audio.createOscillator();
      const gain = this.audio.createGain();
      gain.gain.value = 0.08;
      oscillator.frequency.value = 880;
      oscillator.connect(gain).connect(this.audio.destination);
      oscillator.start();
      oscillator.stop(this.audio.currentTime + 0.15);
    } catch {
      // No audio in this browser: the notification and the title still tell.
    }
  }
}
