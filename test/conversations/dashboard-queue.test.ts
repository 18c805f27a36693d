import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationPage, QueueView } from '../../src/contract/chat.js';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

// The dashboard's queues kept in the server process (src/conversations/dashboard-queue.ts): what
// every write of this process, of the admin CLI and of a hand edit does to the rows and counts.
const database = useTestDatabase('dashboard_queue');

let feature: ConversationsFeature;
let rep: TestAccount;

const serving = () => composeTestApp().deps.conversations;

beforeAll(async () => {
  feature = serving();
  rep = await createRep({ language: 'EN-US' });
});

async function openConversation() {
  const customer = await createCustomer({ language: 'ES' });
  const { conversation } = await feature.conversations.startOrResume(customer.user);
  return { customer, id: conversation.id };
}

const dashboard = (options: { page?: number; limit?: number; view?: QueueView } = {}, who: TestAccount = rep) =>
  feature.conversations.dashboard(who.user, options);
const idsOf = (page: ConversationPage) => page.conversations.map((row) => row.id);

/** `npm run admin -- <args>` as a real process on this file's database. */
async function cli(args: string[]): Promise<string> {
  const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name) }, args);
  run.child.stdin.end();
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
  return run.output();
}

describe('dashboard queue in the server process', { timeout: 120_000 }, () => {
  it('when a customer starts a conversation, then it is the first row and counted unassigned and in all', async () => {
    const before = await dashboard();
    const { id } = await openConversation();
    const after = await dashboard();
    expect(idsOf(after)[0]).toBe(id);
    expect(after.counts).toEqual({ mine: before.counts?.mine, unassigned: (before.counts?.unassigned ?? 0) + 1, all: (before.counts?.all ?? 0) + 1 });
    expect(idsOf(await dashboard({ view: 'unassigned' }))[0]).toBe(id);
  });

  it('when a message arrives in an older conversation, then it moves to the top with its preview', async () => {
    const older = await openConversation();
    const newer = await openConversation();
    expect(idsOf(await dashboard()).slice(0, 2)).toEqual([newer.id, older.id]);
    await feature.messaging.send(older.customer.user, { conversationId: older.id, clientId: 'queue-move-1', body: 'Hola otra vez' });
    const after = await dashboard();
    expect(idsOf(after).slice(0, 2)).toEqual([older.id, newer.id]);
    expect(after.conversations[0]?.lastMessagePreview).toBe('Hola otra vez');
  });

  it('when a shown row changes without moving (the customer changes their language), then the next dashboard shows the change', async () => {
    const { customer, id } = await openConversation();
    expect((await dashboard()).conversations[0]).toMatchObject({ id, customer: { language: 'ES' } });
    await feature.changeAccountLanguage(customer.user, 'PT-BR');
    expect((await dashboard()).conversations[0]).toMatchObject({ id, customer: { language: 'PT-BR' } });
  });

  it('when a conversation is closed, then it leaves the open queues and their counts, and "all" lists it after the open ones', async () => {
    const { id } = await openConversation();
    const before = await dashboard();
    await feature.conversations.close(rep.user, id);
    const after = await dashboard();
    expect(after.counts).toMatchObject({ unassigned: (before.counts?.unassigned ?? 0) - 1, all: (before.counts?.all ?? 0) - 1 });
    expect(idsOf(await dashboard({ view: 'unassigned' }))).not.toContain(id);
    const rows = after.conversations;
    const closedAt = rows.findIndex((row) => row.id === id);
    expect(closedAt).toBeGreaterThanOrEqual(after.counts?.all ?? 0);
    expect(rows.slice(0, after.counts?.all).every((row) => row.status === 'open')).toBe(true);
    expect(rows[closedAt]?.status).toBe('closed');
  });

  it('when a rep joins an unassigned conversation and an admin unassigns it, then it moves between unassigned and mine', async () => {
    const owner = await createRep({ language: 'EN-US' });
    const { id } = await openConversation();
    await feature.conversations.join(owner.user, id);
    const mine = await dashboard({ view: 'mine' }, owner);
    expect(idsOf(mine)).toEqual([id]);
    expect(mine.counts?.mine).toBe(1);
    expect(idsOf(await dashboard({ view: 'unassigned' }, owner))).not.toContain(id);
    await feature.conversations.admin.unassign(id);
    const back = await dashboard({ view: 'mine' }, owner);
    expect(back.counts?.mine).toBe(0);
    expect(idsOf(back)).toEqual([]);
    expect(idsOf(await dashboard({ view: 'unassigned' }, owner))[0]).toBe(id);
    // The store's own write (no event, so no system line whose message would also move it).
    const current = await conversationStore.findById(id);
    const next = { rep: { id: owner.user.id, username: owner.username, language: 'EN-US' }, handedOverBy: null, note: null };
    expect(await conversationStore.assign(current!, next, null)).toBeDefined();
    expect(idsOf(await dashboard({ view: 'mine' }, owner))).toEqual([id]);
  });

  it('when a rep pages through a queue, then the pages follow the order without gaps or repeats and "more" shows until the last', async () => {
    const owner = await createRep({ language: 'EN-US' });
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { id } = await openConversation();
      await feature.conversations.join(owner.user, id);
      created.unshift(id);
    }
    const pages = [0, 1, 2].map((page) => dashboard({ view: 'mine', page, limit: 2 }, owner));
    const [first, second, third] = await Promise.all(pages);
    expect([first?.hasMore, second?.hasMore, third?.hasMore]).toEqual([true, true, false]);
    expect([first, second, third].flatMap((page) => (page ? idsOf(page) : []))).toEqual(created);
    // "All" runs on past the open conversations into the closed ones, as the database orders them.
    const all: string[] = [];
    for (let page = 0; ; page += 1) {
      const body = await dashboard({ page, limit: 3 });
      all.push(...idsOf(body));
      if (!body.hasMore) break;
    }
    const stored = await conversationStore.page({ skip: 0, limit: 1_000 });
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(stored.map((row) => row.id).sort());
    expect(all.slice(0, (await dashboard()).counts?.all)).toEqual(stored.filter((row) => row.status === 'open').map((row) => row.id));
  });

  it('when the admin CLI closes a conversation, or the database is edited by hand and resynced, then the dashboard after the server\'s next notice round shows it', async () => {
    // The server reads the other processes' notices every couple of seconds (conversation-notices.ts); here, one round on demand.
    const watcher = feature.watchOtherProcesses();
    try {
      const { id } = await openConversation();
      const other = await openConversation();
      expect(idsOf(await dashboard())[0]).toBe(other.id);
      await cli(['conversations:close', other.id]);
      await watcher.check();
      const afterClose = await dashboard({ view: 'unassigned' });
      expect(idsOf(afterClose)).not.toContain(other.id);
      expect(idsOf(afterClose)[0]).toBe(id);

      const first = await openConversation();
      await Conversation.updateOne({ _id: id }, { $set: { lastActivityAt: new Date(Date.now() + 60_000), lastMessagePreview: 'edited by hand' } });
      expect(idsOf(await dashboard())[0]).toBe(first.id);
      await cli(['conversations:resync']);
      await watcher.check();
      const resynced = await dashboard();
      expect(idsOf(resynced)[0]).toBe(id);
      expect(resynced.conversations[0]?.lastMessagePreview).toBe('edited by hand');
    } finally {
      watcher.stop();
    }
  });

  it('when REDIS_URL is configured, then dashboards ask the database; with one server they do not', async () => {
    const counted = vi.spyOn(conversationStore, 'queueCounts');
    const paged = vi.spyOn(conversationStore, 'page');
    try {
      const { id } = await openConversation();
      // An open queue only ("all" would run on into the closed conversations, which stay a query).
      await dashboard({ view: 'unassigned' });
      expect([counted.mock.calls.length, paged.mock.calls.length]).toEqual([0, 0]);
      feature = composeTestApp({ config: testConfig({ REDIS_URL: 'redis://127.0.0.1:6399' }) }).deps.conversations;
      const shared = await dashboard({ view: 'unassigned' });
      expect(counted).toHaveBeenCalledTimes(1);
      expect(paged).toHaveBeenCalledTimes(1);
      expect(idsOf(shared)).toContain(id);
    } finally {
      counted.mockRestore();
      paged.mockRestore();
      feature = serving();
    }
  });
});
