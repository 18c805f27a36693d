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
/**
 * The dashboard's rows (dashboard-rows.ts), kept past the time to live while this process is the
 * only server: refreshed by every remember, dropped by every forget, all dropped when another
 * process announced writes (dashboard-queue.ts). Bounded: a few pages for every rep.
 */
const rows = new LRUCache<string, ConversationView>({ max: 2_000 });

export const conversationCache = {
  /** How long an entry is trusted (the configured AUTH_CACHE_MS); 0 turns the cache off. */
  configure(ttlMs: number): void {
    entries = new LRUCache<string, ConversationView>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
    openByCustomer = new LRUCache<string, string>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
    enabled = ttlMs > 0;
    rows.clear();
  },
  get: (id: string): ConversationView | undefined => (enabled ? entries.get(id) : undefined),
  remember(view: ConversationView): ConversationView {
    touched?.conversations.add(view.id);
    if (rows.has(view.id)) rows.set(view.id, view);
    if (!enabled) return view;
    entries.set(view.id, view);
    if (view.status === 'open') openByCustomer.set(view.customer.id, view.id);
    else if (openByCustomer.get(view.customer.id) === view.id) openByCustomer.delete(view.customer.id);
    return view;
  },
  forget(id: string): void {
    touched?.conversations.add(id);
    entries.delete(id);
    rows.delete(id);
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
    for (const [id, view] of rows.entries()) if (view.customer.id === customerId) rows.delete(id);
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
  /** A dashboard row as last written or read here. */
  row: (id: string): ConversationView | undefined => rows.get(id),
  keepRow(view: ConversationView): void {
    rows.set(view.id, view);
  },
  /** Another process wrote: every row is read again. */
  forgetRows: (): void => rows.clear(),
};
