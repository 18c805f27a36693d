// What the search feature reads, through the stores that own the collections.
import { conversationStore } from './conversation.store.js';
import { messageStore } from './message.store.js';

export const searchSources = {
  conversationsByIds: conversationStore.findByIds,
  messagesByIds: messageStore.byIds,
};

export type SearchSources = typeof searchSources;
