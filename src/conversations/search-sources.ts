// What the search feature reads, through the stores that own the collections.
import { conversationStore } from './conversation.store.js';
import { messageStore } from './message.store.js';

export const searchSources = {
  conversationsByCustomer: conversationStore.findByCustomerName,
  conversationsByIds: conversationStore.findByIds,
  messagesWithTerms: messageStore.findByTerms,
};

export type SearchSources = typeof searchSources;
