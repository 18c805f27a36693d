import type { ChatMessage, User } from '../contract/chat.js';
import type { ConversationView, SearchSources } from '../conversations/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { searchTerms } from '../lib/search-terms.js';
import { CUSTOMER_PREFIX, type SearchIndex } from './search-index.js';

/** A conversation found by its customer, or by one of its messages (opened at that message). */
export interface SearchHit {
  conversationId: string;
  customer: { username: string; language: string };
  status: string;
  channel: string;
  lastActivityAt: string;
  /** The message that matched (absent when the customer's name did). */
  message?: { id: string; body: string; language: string; authorName: string; authorRole: string; createdAt: string; note: boolean };
  /** `/conversations/:id`, with `#message-<id>` when a message matched. */
  href: string;
}

export interface SearchResults {
  query: string;
  customers: SearchHit[];
  messages: SearchHit[];
}

/** Results per kind: each is read by _id (FerretDB 1.x answers no other filter from an index). */
const LIMIT = 20;

const hitOf = (view: ConversationView, message?: ChatMessage): SearchHit => ({
  conversationId: view.id,
  customer: { username: view.customer.username, language: view.customer.language },
  status: view.status,
  channel: view.channel,
  lastActivityAt: view.lastActivityAt.toISOString(),
  ...(message
    ? {
      message: {
        id: message.id, body: message.body, language: message.language, authorName: message.authorName,
        authorRole: message.authorRole, createdAt: message.createdAt, note: message.kind === 'note',
      },
    }
    : {}),
  href: `/conversations/${view.id}${message ? `#message-${message.id}` : ''}`,
});

/**
 * Reps' search: customers by name (or the masked address shown as their name), and messages by
 * words of the original or of a translation made for a reader (a word → messages index keyed by
 * _id: works on MongoDB and FerretDB alike, see README "Search").
 */
export function createSearchService(sources: SearchSources, index: Pick<SearchIndex, 'lookup'>) {
  return {
    async search(user: User, query: string): Promise<SearchResults> {
      if (user.role !== 'rep') throw new ForbiddenError('Only support representatives search conversations.');
      const terms = searchTerms(query);
      if (terms.length === 0) return { query, customers: [], messages: [] };
      const [byCustomer, messages] = await Promise.all([
        index.lookup(terms.map((term) => `${CUSTOMER_PREFIX}${term}`), LIMIT).then(sources.conversationsByIds),
        index.lookup(terms, LIMIT).then(sources.messagesByIds),
      ]);
      const views = new Map((await sources.conversationsByIds([...new Set(messages.map((message) => message.conversationId))])).map((view) => [view.id, view]));
      const messageHits = messages.flatMap((message) => {
        const view = views.get(message.conversationId);
        return view ? [hitOf(view, message)] : [];
      });
      return { query, customers: byCustomer.map((view) => hitOf(view)), messages: messageHits };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
