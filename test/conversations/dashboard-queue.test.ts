import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/contract/chat.js';
import { conversationQueue } from '../../src/conversations/conversation-queue.js';
import { QueueShard } from '../../src/conversations/conversation-queue.model.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import type { ConversationView } from '../../src/conversations/conversation.view.js';
import { createMessageWriter } from '../../src/conversations/message-writer.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('dashboard_queue');

const person = (role: User['role']): User => ({
  id: new mongoose.Types.ObjectId().toString(),
  username: `${role}-${Math.random().toString(36).slice(2, 8)}`,
  role,
  language: role === 'rep' ? 'EN-US' : 'ES',
});
const say = (author: User, clientId: string) => ({ clientId, body: clientId, language: author.language, author });
const firstPage = (view: 'all' | 'mine' | 'unassigned' = 'all', repId?: string) => conversationStore.page({ view, repId, skip: 0, limit: 101 });

/** The dashboard order from the conversations themselves (the reference): open first, newest activity first, then newest id. */
async function queriedOrder(): Promise<string[]> {
  const stored = await Conversation.find({}).lean();
  const key = (row: (typeof stored)[number]) => [row.status === 'open' ? 1 : 0, row.lastActivityAt.getTime(), row._id.toString()] as const;
  return stored
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return y[0] - x[0] || y[1] - x[1] || y[2].localeCompare(x[2]);
    })
    .map((row) => row._id.toString());
}

async function customersWriting(count: number): Promise<{ views: ConversationView[]; customers: User[] }> {
  const customers = Array.from({ length: count }, () => person('customer'));
  const views = await Promise.all(customers.map((customer) => conversationStore.create(customer)));
  return { views, customers };
}

describe('the dashboard queue', () => {
  it('when conversations are created, written in and closed, then the first page is the open ones by newest activity, then the closed ones', async () => {
    const { views, customers } = await customersWriting(6);
    const writer = createMessageWriter();
    for (const index of [2, 0, 4, 1, 5, 3, 0]) await writer.write(views[index] as ConversationView, say(customers[index] as User, `m${Math.random()}`), customers[index] as User);
    await conversationStore.close((views[4] as ConversationView).id);

    const rows = await firstPage();
    expect(rows.map((row) => row.id)).toEqual(await queriedOrder());
    expect(rows.slice(0, 3).map((row) => row.id)).toEqual([0, 3, 5].map((index) => views[index]?.id));
    expect(rows.at(-1)?.id).toBe(views[4]?.id);
    expect((await conversationQueue.read())?.map((entry) => entry.id)).not.toContain(views[4]?.id);
  });

  it('when a rep takes a conversation and an admin unassigns it, then it moves between Mine and Unassigned and the counts follow', async () => {
    const rep = person('rep');
    const { views } = await customersWriting(2);
    const taken = views[0] as ConversationView;
    const before = await conversationStore.queueCounts(rep.id);
    await conversationStore.assign(taken, { rep: { id: rep.id, username: rep.username, language: rep.language }, handedOverBy: null, note: null }, null);

    expect((await firstPage('mine', rep.id)).map((row) => row.id)).toEqual([taken.id]);
    expect((await firstPage('unassigned', rep.id)).map((row) => row.id)).not.toContain(taken.id);
    expect(await conversationStore.queueCounts(rep.id)).toEqual({ mine: 1, unassigned: before.unassigned - 1, all: before.all });

    await conversationStore.unassign(taken.id);
    expect(await firstPage('mine', rep.id)).toEqual([]);
    expect(await conversationStore.queueCounts(rep.id)).toEqual(before);
  });

  it('when a close was not written to the queue (another process, a fault), then the page is still right and the entry is put right', async () => {
    const { views } = await customersWriting(2);
    const closing = views[0] as ConversationView;
    await Conversation.updateOne({ _id: closing.id }, { $set: { status: 'closed', openKey: `closed:${closing.id}` } });

    expect((await firstPage()).map((row) => row.id)).toEqual(await queriedOrder());
    expect((await conversationQueue.read())?.map((entry) => entry.id)).not.toContain(closing.id);
  });

  it('when two writers count messages of many conversations at once, then the queue keeps each one at its newest activity', async () => {
    const { views, customers } = await customersWriting(12);
    const writers = [createMessageWriter(), createMessageWriter()];
    await Promise.all(
      writers.map(async (writer, side) => {
        for (let round = 0; round < 5; round += 1) {
          await Promise.all(views.map((view, index) => writer.write(view, say(customers[index] as User, `${side}-${round}-${index}`), customers[index] as User)));
        }
      }),
    );
    const queue = (await conversationQueue.read()) ?? [];
    const stored = await Conversation.find({ status: 'open' }).lean();
    expect(queue).toHaveLength(stored.length);
    for (const row of stored) expect(queue.find((entry) => entry.id === row._id.toString())?.at.getTime()).toBe(row.lastActivityAt.getTime());
    expect((await firstPage()).map((row) => row.id)).toEqual(await queriedOrder());
  });

  it('when a database has conversations from before the queue, then the first dashboard read builds it', async () => {
    await QueueShard.deleteMany({});
    const customer = person('customer');
    await Conversation.create({ customer: { id: customer.id, username: customer.username, language: 'ES' }, openKey: customer.id, unread: {} });

    expect((await firstPage()).map((row) => row.id)).toEqual(await queriedOrder());
    expect(await QueueShard.exists({ _id: 'built' })).toBeTruthy();
  });

  it('when several dashboards load at once on a database without a queue, then each gets its page', async () => {
    await customersWriting(3);
    const expected = await queriedOrder();

    for (let round = 0; round < 5; round += 1) {
      await QueueShard.deleteMany({});
      // Each dashboard reads its page and its queue counts at once, as the dashboard service does.
      const loads = await Promise.all(Array.from({ length: 4 }, () => Promise.all([firstPage(), conversationStore.queueCounts(person('rep').id)])));
      const pages = loads.map(([page]) => page);

      for (const page of pages) expect(page.map((row) => row.id)).toEqual(expected);
      expect(await QueueShard.countDocuments({ _id: 'built' })).toBe(1);
    }
  });
});
