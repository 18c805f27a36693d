import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../src/contract/chat.js';
import { createReadMarkCoalescer, type ReadMark } from '../../src/realtime/read-mark-coalescer.js';

const reader = (id: string): User => ({ id, username: id, role: 'customer', language: 'ES' });
const ann = reader('a'.repeat(24));
const bob = reader('b'.repeat(24));
const conversation = 'c'.repeat(24);
const other = 'd'.repeat(24);
// Message ids as the database makes them: lower-case hex that sorts as the messages do.
const messageId = (n: number) => n.toString(16).padStart(24, '0');

function recording(windowMs = 60_000, fail?: (mark: ReadMark) => boolean) {
  const applied: ReadMark[] = [];
  const errors: unknown[] = [];
  const coalescer = createReadMarkCoalescer({
    windowMs,
    apply: async (mark) => {
      if (fail?.(mark)) throw new Error('database down');
      applied.push(mark);
    },
    onError: (error) => errors.push(error),
  });
  return { coalescer, applied, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('read mark coalescer', () => {
  it('when one reader sends 20 marks in a window, in any order, then one is applied: the newest', async () => {
    const { coalescer, applied } = recording();
    for (const n of [5, 20, 1, 17, 3, 9, 12, 2, 4, 6, 7, 8, 10, 11, 13, 14, 15, 16, 18, 19]) coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(n) });

    expect(applied).toEqual([]);
    await coalescer.flush();

    expect(applied).toEqual([{ user: ann, conversationId: conversation, messageId: messageId(20) }]);
  });

  it('when two readers mark two conversations, then each reader and conversation has its own mark', async () => {
    const { coalescer, applied } = recording();
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(2) });
    coalescer.mark({ user: bob, conversationId: conversation, messageId: messageId(1) });
    coalescer.mark({ user: ann, conversationId: other, messageId: messageId(3) });
    await coalescer.flush();

    expect(applied.map((mark) => [mark.user.id, mark.conversationId, mark.messageId])).toEqual([
      [ann.id, conversation, messageId(2)],
      [bob.id, conversation, messageId(1)],
      [ann.id, other, messageId(3)],
    ]);
  });

  it('when a mark names no message, then it means everything and wins over the others of its window', async () => {
    const { coalescer, applied } = recording();
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(4) });
    coalescer.mark({ user: ann, conversationId: conversation });
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(9) });
    await coalescer.flush();

    expect(applied).toHaveLength(1);
    expect(applied[0]?.messageId).toBeUndefined();
  });

  it('when the window ends, then the pending marks are applied once, and a later mark starts a new window', async () => {
    vi.useFakeTimers();
    const { coalescer, applied } = recording(500);
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(1) });
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(2) });

    await vi.advanceTimersByTimeAsync(499);
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(applied.map((mark) => mark.messageId)).toEqual([messageId(2)]);

    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(3) });
    await vi.runOnlyPendingTimersAsync();
    expect(applied.map((mark) => mark.messageId)).toEqual([messageId(2), messageId(3)]);
    expect(coalescer.pendingCount()).toBe(0);
  });

  it('when one mark cannot be written, then it is reported and the others are still applied', async () => {
    const { coalescer, applied, errors } = recording(60_000, (mark) => mark.user.id === ann.id);
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(1) });
    coalescer.mark({ user: bob, conversationId: conversation, messageId: messageId(1) });
    await coalescer.flush();

    expect(errors).toHaveLength(1);
    expect(applied.map((mark) => mark.user.id)).toEqual([bob.id]);
  });

  it('when it is closed, then the pending marks are written and later ones are ignored', async () => {
    const { coalescer, applied } = recording();
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(1) });
    await coalescer.close();
    coalescer.mark({ user: ann, conversationId: conversation, messageId: messageId(2) });
    await coalescer.flush();

    expect(applied.map((mark) => mark.messageId)).toEqual([messageId(1)]);
    expect(coalescer.pendingCount()).toBe(0);
  });
});
