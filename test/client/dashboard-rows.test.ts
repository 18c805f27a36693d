import { describe, expect, it } from 'vitest';
import { DashboardRows } from '../../client/chat/dashboard-rows.js';
import type { ConversationSummary, DashboardActivity, DashboardRow } from '../../src/contract/chat.js';

// The rows a live dashboard holds: whole rows, a message's activity merged into them, and the
// rows it lacks asked for (a fake `fetch` stands in for `dashboard:rows`).

const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

const summary = (id: string, minute = 0, more: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  status: 'open',
  channel: 'sms',
  customer: { id: `cust-${id}`, username: `maria-${id}`, language: 'ES' },
  repIds: ['rep-1'],
  lastMessagePreview: 'old',
  lastMessageLanguage: 'ES',
  lastActivityAt: at(minute),
  unread: 0,
  assignee: { id: 'rep-1', username: 'rosa', since: at(0), handedOverBy: null, note: null },
  ...more,
});

const row = (id: string, minute: number, unreadByRep: Record<string, number>, more: Partial<ConversationSummary> = {}): DashboardRow => ({
  ...summary(id, minute, more),
  unreadByRep,
});

const activity = (id: string, minute: number, preview: string, unread: number, unreadByRep: Record<string, number> = {}): DashboardActivity => ({
  id, lastMessagePreview: preview, lastMessageLanguage: 'ES', lastActivityAt: at(minute), unread, unreadByRep,
});

/** A fake server: answers each request with the rows it has, when the test says so. */
function harness(viewerId = 'rep-1') {
  const server = new Map<string, ConversationSummary>();
  const requests: string[][] = [];
  const answers: (() => void)[] = [];
  const shown: ConversationSummary[] = [];
  let failNext = false;
  const rows = new DashboardRows({
    viewerId,
    fetch: (ids) => {
      requests.push(ids);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('rate_limited'));
      }
      return new Promise((resolve) => answers.push(() => resolve(ids.flatMap((id) => server.get(id) ?? []))));
    },
    onRow: (shownRow) => shown.push(shownRow),
  });
  const answerAll = async () => {
    for (const answer of answers.splice(0)) answer();
    await new Promise((done) => setTimeout(done, 0));
  };
  return { rows, server, requests, shown, answerAll, failNextRequest: () => (failNext = true) };
}

describe('a live dashboard\'s rows', () => {
  it('shows a whole row with the viewer\'s own unread count when they joined, the queue\'s otherwise', () => {
    const { rows, shown } = harness();
    rows.receive({ conversations: [row('a', 1, { 'rep-1': 2 }, { unread: 5 }), row('b', 1, { 'rep-2': 3 }, { unread: 5 })], activity: [] });

    expect(shown.map((s) => [s.id, s.unread])).toEqual([['a', 2], ['b', 5]]);
    expect(shown[0]).not.toHaveProperty('unreadByRep');
  });

  it('merges a message\'s activity into the row it holds: preview, language, last activity and unread change, the rest stays', () => {
    const { rows, shown, requests } = harness();
    rows.hold([summary('a', 1, { status: 'open', formality: 'formal' })]);

    rows.receive({ conversations: [], activity: [{ ...activity('a', 2, 'Hola', 7, { 'rep-1': 3 }), lastMessageLanguage: 'PT' }] });

    expect(requests).toEqual([]);
    expect(shown).toEqual([{ ...summary('a', 2, { formality: 'formal' }), lastMessagePreview: 'Hola', lastMessageLanguage: 'PT', unread: 3 }]);
    rows.receive({ conversations: [], activity: [activity('a', 3, 'Otra', 7, {})] });
    expect(shown.at(-1)).toMatchObject({ lastMessagePreview: 'Otra', unread: 7, assignee: { id: 'rep-1' } });
  });

  it('ignores activity older than the row it holds (two instances\' broadcasts out of order)', () => {
    const { rows, shown } = harness();
    rows.hold([summary('a', 5)]);

    rows.receive({ conversations: [], activity: [activity('a', 4, 'older', 1)] });

    expect(shown).toEqual([]);
  });

  it('asks once for every row an update has activity for and it lacks, then shows each as answered', async () => {
    const { rows, server, requests, shown, answerAll } = harness();
    rows.hold([summary('held', 1)]);
    server.set('b', summary('b', 2, { lastMessagePreview: 'Hola' }));
    server.set('c', summary('c', 2, { lastMessagePreview: 'Buenas' }));

    rows.receive({ conversations: [], activity: [activity('b', 2, 'Hola', 1), activity('held', 2, 'x', 0), activity('c', 2, 'Buenas', 1)] });
    // Asked already: no second request for the same rows while the first is on its way.
    rows.receive({ conversations: [], activity: [activity('b', 2, 'Hola', 1)] });
    await answerAll();

    expect(requests).toEqual([['b', 'c']]);
    expect(shown.map((s) => [s.id, s.lastMessagePreview])).toEqual([['held', 'x'], ['b', 'Hola'], ['c', 'Buenas']]);
    expect(rows.has('b') && rows.has('c')).toBe(true);
  });

  it('merges activity that came while the row was asked for into the answer, unless the answer is newer', async () => {
    const { rows, server, shown, answerAll } = harness();
    server.set('b', summary('b', 2, { lastMessagePreview: 'answered' }));
    server.set('c', summary('c', 9, { lastMessagePreview: 'answered, newer' }));
    rows.receive({ conversations: [], activity: [activity('b', 2, 'first', 1), activity('c', 2, 'first', 1)] });

    rows.receive({ conversations: [], activity: [activity('b', 3, 'came later', 4, { 'rep-1': 2 }), activity('c', 3, 'came later', 4)] });
    await answerAll();

    expect(shown.map((s) => [s.id, s.lastMessagePreview, s.unread])).toEqual([['b', 'came later', 2], ['c', 'answered, newer', 0]]);
  });

  it('keeps a whole row that came while the row was asked for, not the answer', async () => {
    const { rows, server, shown, answerAll } = harness();
    server.set('b', summary('b', 2, { status: 'open' }));
    rows.receive({ conversations: [], activity: [activity('b', 2, 'first', 1)] });

    rows.receive({ conversations: [row('b', 2, {}, { status: 'closed' })], activity: [] });
    await answerAll();

    expect(shown.map((s) => [s.id, s.status])).toEqual([['b', 'closed']]);
  });

  it('asks again at the row\'s next activity when a request was not answered', async () => {
    const { rows, server, requests, shown, answerAll, failNextRequest } = harness();
    server.set('b', summary('b', 3));
    failNextRequest();
    rows.receive({ conversations: [], activity: [activity('b', 2, 'first', 1)] });
    await answerAll();

    rows.receive({ conversations: [], activity: [activity('b', 3, 'second', 1)] });
    await answerAll();

    expect(requests).toEqual([['b'], ['b']]);
    expect(shown.map((s) => s.id)).toEqual(['b']);
  });

  it('after a reconnect, shows the fresh first page and asks again for every other row it holds, 100 at a time', async () => {
    const { rows, server, requests, shown, answerAll } = harness();
    const old = Array.from({ length: 150 }, (_, index) => summary(`old-${index}`, 1));
    rows.hold([summary('top', 1), ...old]);
    for (const held of old) server.set(held.id, { ...held, status: 'closed' });

    const resynced = rows.resync([summary('top', 8, { lastMessagePreview: 'fresh' })]);
    await answerAll();
    await resynced;

    expect(requests.map((ids) => ids.length)).toEqual([100, 50]);
    expect(requests.flat()).not.toContain('top');
    expect(shown[0]).toMatchObject({ id: 'top', lastMessagePreview: 'fresh' });
    expect(shown.slice(1).every((s) => s.status === 'closed')).toBe(true);
    expect(shown).toHaveLength(151);
  });
});
