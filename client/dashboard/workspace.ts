// The rep's workspace around the live list: queues, the team's availability, notifications, and
// a link from the panel to the conversation's own page (owner, hand-over, customer details).
import type { ChatClient, ConversationSummary, User } from '../chat/chat-client.js';
import { h } from '../lib/dom.js';
import { Notifier } from './notifications.js';
import { QueueFilter } from './queues.js';
import { TeamPanel } from './team.js';
import { t } from '../lib/i18n.js';

export class Workspace {
  private readonly queues: QueueFilter;
  private readonly notifier: Notifier;
  private selected: string | undefined;
  private readonly detailsLink = h('a', { class: 'text-sm text-indigo-700 underline hover:text-indigo-900', 'data-part': 'conversation-details' },
    t('rep.details', 'Owner, hand-over and customer details'));

  constructor(private readonly root: HTMLElement, me: User, client: ChatClient) {
    this.queues = new QueueFilter(root, me);
    new TeamPanel(root, me, client);
    this.notifier = new Notifier({ client, me, settings: root.querySelector('[data-part="notification-settings"]'), selected: () => this.selected });
  }

  start(initial: ConversationSummary[]): void {
    this.notifier.remember(initial);
    this.queues.listChanged(initial);
  }

  listChanged(conversations: ConversationSummary[]): void {
    this.queues.listChanged(conversations);
  }

  selectedConversation(conversationId: string): void {
    this.selected = conversationId;
    this.notifier.seen(conversationId);
    this.detailsLink.href = `/conversations/${encodeURIComponent(conversationId)}`;
    this.root.querySelector('[data-part="panel"] h2')?.after(this.detailsLink);
  }
}
