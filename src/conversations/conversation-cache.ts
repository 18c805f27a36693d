// The conversations a process wrote or read a moment ago, by id: sending a message needs the
// conversation (status, customer, reps, unread) to authorize and count it, and reading it from the
// database for every message was one of the hot path's three round trips. Everything written
// through this process's conversation store refreshes the entry (write-through), so within a
// process it is current; a change made by another instance is seen within the time to live, and
// one made by another process of a single instance (the admin CLI) when it is announced
// (conversation-notices.ts).
import { LRUCache } from 'lru-cache';
import type { ConversationView } from './conversation.view.js';

const defaultTtlMs = 2_000;
const maxEntries = 50_000;
let enabled = true;
let entries = new LRUCache<string, ConversationView>({ max: maxEntries, ttl: defaultTtlMs });
/** Customer id → their open conversation's id, as last seen here. */
let openByCustomer = new LRUCache<string, string>({ max: maxEntries, ttl: defaultTtlMs });
/** In a process that is not the server (the admin CLI): what it touched, to announce. */
let touched: { conversations: Set<string>; customers: Set<string> } | undefined;

export const conversationCache = {
  /** How long an entry is trusted (the configured AUTH_CACHE_MS); 0 turns the cache off. */
  configure(ttlMs: number): void {
    entries = new LRUCache<string, ConversationView>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
    openByCustomer = new LRUCache<string, string>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
    enabled = ttlMs > 0;
  },
  get: (id: string): ConversationView | undefined => (enabled ? entries.get(id) : undefined),
  remember(view: ConversationView): ConversationView {
    touched?.conversations.add(view.id);
    if (!enabled) return view;
    entries.set(view.id, view);
    if (view.status === 'open') openByCustomer.set(view.customer.id, view.id);
    else if (openByCustomer.get(view.customer.id) === view.id) openByCustomer.delete(view.customer.id);
    return view;
  },
  forget(id: string): void {
    touched?.conversations.add(id);
    entries.delete(id);
  },
  /** The customer's open conversation as last seen here, if still cached and still open. */
  openFor(customerId: string): ConversationView | undefined {
    const id = enabled ? openByCustomer.get(customerId) : undefined;
    const found = id === undefined ? undefined : entries.get(id);
    return found?.status === 'open' && found.customer.id === customerId ? found : undefined;
  },
  /** A write by customer (not by id) happened: their conversations are read again. */
  forgetCustomer(customerId: string): void {
    touched?.customers.add(customerId);
    for (const [id, view] of entries.entries()) if (view.customer.id === customerId) entries.delete(id);
    openByCustomer.delete(customerId);
  },
  /** From now on, every conversation and customer this process reads or writes is kept for takeTouched(). */
  recordTouched(): void {
    touched ??= { conversations: new Set(), customers: new Set() };
  },
  /** What was touched since the last call (nothing when not recording). */
  takeTouched(): { conversations: string[]; customers: string[] } {
    const taken = { conversations: [...(touched?.conversations ?? [])], customers: [...(touched?.customers ?? [])] };
    touched?.conversations.clear();
    touched?.customers.clear();
    return taken;
  },
};
