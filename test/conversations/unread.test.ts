import { describe, expect, it } from 'vitest';
import { teamUnreadKey, unreadAfterMessage, unreadAfterRead, unreadFor } from '../../src/conversations/unread.js';
import { composeTestApp } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('unread_rules');

const conversation = (unread: Record<string, number>, reps: string[] = ['rep-a']) => ({
  customer: { id: 'cust' },
  reps: reps.map((id) => ({ id })),
  unread,
});

describe('unread rules', () => {
  it("when a customer writes, then every member rep and the team queue have one more, and the customer none", () => {
    expect(unreadAfterMessage(conversation({}), { id: 'cust', role: 'customer' })).toEqual({
      $inc: { 'unread.rep-a': 1, [`unread.${teamUnreadKey}`]: 1 },
      $set: { 'unread.cust': 0 },
    });
  });

  it("when a rep writes, then the customer has one more and the queue is answered", () => {
    expect(unreadAfterMessage(conversation({ team: 4 }), { id: 'rep-a', role: 'rep' })).toEqual({
      $inc: { 'unread.cust': 1 },
      $set: { 'unread.rep-a': 0, [`unread.${teamUnreadKey}`]: 0 },
    });
  });

  it('when someone reads with nothing unread, then there is nothing to write', () => {
    expect(unreadAfterRead(conversation({ cust: 0, team: 0 }), { id: 'cust', role: 'customer' })).toBeUndefined();
    expect(unreadAfterRead(conversation({ 'rep-a': 0, team: 0 }), { id: 'rep-a', role: 'rep' })).toBeUndefined();
    expect(unreadAfterRead(conversation({ team: 2 }), { id: 'rep-b', role: 'rep' })).toEqual({ [`unread.${teamUnreadKey}`]: 0 });
  });

  it("when a rep has not joined, then they see the queue's count, and a member their own", () => {
    const view = conversation({ team: 3, 'rep-a': 1 });
    expect(unreadFor(view, { id: 'rep-b', role: 'rep' })).toBe(3);
    expect(unreadFor(view, { id: 'rep-a', role: 'rep' })).toBe(1);
    expect(unreadFor(view, { id: 'cust', role: 'customer' })).toBe(0);
  });

  it('when a conversation is marked read again with nothing new, then no update is written or announced', async () => {
    const { conversations } = composeTestApp().deps;
    const [customer, rep] = await Promise.all([createCustomer(), createRep()]);
    const { conversation: started } = await conversations.conversations.startOrResume(customer.user);
    await conversations.messaging.send(rep.user, { conversationId: started.id, clientId: 'read-twice-0001', body: 'Hello' });
    const updates: string[] = [];
    conversations.events.on('updated', (view) => updates.push(view.id));

    expect((await conversations.messaging.markRead(customer.user, started.id)).unread[customer.user.id]).toBe(0);
    for (let i = 0; i < 5; i += 1) await conversations.messaging.markRead(customer.user, started.id);

    expect(updates).toEqual([started.id]);
  });
});
