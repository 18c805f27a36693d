// The conversations a process wrote or read a moment ago, by id: sending a message needs the
// conversation (status, customer, reps, unread) to authorize and count it, and reading it from the
// database for every message was one of the hot path's three round trips. Everything written
// through this process's conversation store refreshes the entry (write-through), so within a
// process it is current; a change made by another instance is seen within the time to live.
import { LRUCache } from 'lru-cache';
import type { ConversationView } from './conversation.view.js';

const defaultTtlMs = 2_000;
let enabled = true;
let entries = new LRUCache<string, ConversationView>({ max: 50_000, ttl: defaultTtlMs });

export const conversationCache = {
  /** How long an entry is trusted (the configured AUTH_CACHE_MS); 0 turns the cache off. */
  configure(ttlMs: number): void {
    entries = new LRUCache<string, ConversationView>({ max: 50_000, ttl: Math.max(ttlMs, 1) });
    enabled = ttlMs > 0;
  },
  get: (id: string): ConversationView | undefined => (enabled ? entries.get(id) : undefined),
  remember(view: ConversationView): ConversationView {
    if (enabled) entries.set(view.id, view);
    return view;
  },
  forget: (id: string): void => void entries.delete(id),
  /** A write by customer (not by id) happened: their conversations are read again. */
  forgetCustomer(customerId: string): void {
    for (const [id, view] of entries.entries()) if (view.customer.id === customerId) entries.delete(id);
  },
};
