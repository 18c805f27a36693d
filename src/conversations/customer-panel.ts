// What a rep sees about the customer beside the conversation: who (phone customers by their
// masked address, which is their name here), where from, in which language, since when, and
// their earlier conversations.
import type { Channel } from '../contract/chat.js';
import { languageName } from '../contract/languages.js';
import { conversationStore } from './conversation.store.js';
import type { ConversationView } from './conversation.view.js';

export interface CustomerPanel {
  name: string;
  channel: Channel;
  /** By name (`Spanish`), as chosen at sign-up or since. */
  declaredLanguage: string;
  /** The other language their last messages were read in, by name, or null: none seen. */
  detectedLanguage: string | null;
  firstSeen: string;
  earlier: { id: string; status: 'open' | 'closed'; startedAt: string; preview: string }[];
}

const earlierShown = 20;

export async function customerPanelFor(view: ConversationView): Promise<CustomerPanel> {
  const all = await conversationStore.listForCustomer(view.customer.id, earlierShown + 1);
  const detected = view.languageSuggestion ?? view.detectedLanguage;
  const firstSeen = all.reduce((earliest, other) => (other.createdAt < earliest ? other.createdAt : earliest), view.createdAt);
  return {
    name: view.customer.username,
    channel: view.channel,
    declaredLanguage: languageName(view.customer.language),
    detectedLanguage: detected ? languageName(detected) : null,
    firstSeen: firstSeen.toISOString(),
    earlier: all
      .filter((other) => other.id !== view.id)
      .slice(0, earlierShown)
      .map((other) => ({ id: other.id, status: other.status, startedAt: other.createdAt.toISOString(), preview: other.lastMessagePreview })),
  };
}
