import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newestMessageId, ReadMarks } from '../../client/chat/read-marks.js';

const messageId = (n: number) => n.toString(16).padStart(24, '0');

function recording(windowMs = 750) {
  const sent: (string | undefined)[] = [];
  return { marks: new ReadMarks((id) => sent.push(id), windowMs), sent };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('read marks in the browser (one per conversation per window)', () => {
  it('when 20 messages are read within the window, then one mark goes out when it ends, carrying the newest', () => {
    const { marks, sent } = recording();
    for (let n = 1; n <= 20; n += 1) marks.read(messageId(n));

    vi.advanceTimersByTime(749);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([messageId(20)]);
    vi.runAllTimers();
    expect(sent).toHaveLength(1);
  });

  it('when messages keep arriving, then a mark goes out once per window, never postponed for good', () => {
    const { marks, sent } = recording();
    for (let n = 1; n <= 8; n += 1) {
      marks.read(messageId(n));
      vi.advanceTimersByTime(300);
    }

    // Read at 0, 300, … 2100 ms: windows end at 750 (through 3), 1650 (through 6), then 2550.
    expect(sent).toEqual([messageId(3), messageId(6)]);
    vi.runAllTimers();
    expect(sent).toEqual([messageId(3), messageId(6), messageId(8)]);
  });

  it('when the page hides or the user sends before the window ends, then the mark goes out at once, and not again', () => {
    const { marks, sent } = recording();
    marks.read(messageId(1));
    marks.read(messageId(2));

    marks.flush();
    expect(sent).toEqual([messageId(2)]);
    vi.runAllTimers();
    marks.flush();
    expect(sent).toEqual([messageId(2)]);
  });

  it('when an older message is read after a newer one, then the mark still carries the newer', () => {
    const { marks, sent } = recording();
    marks.read(messageId(9));
    marks.read(messageId(4));
    vi.runAllTimers();

    expect(sent).toEqual([messageId(9)]);
  });

  it('when nothing was read, then flushing sends nothing; when no id can be compared, the mark means everything', () => {
    const { marks, sent } = recording();
    marks.flush();
    expect(sent).toEqual([]);

    marks.read('IM0123456789abcdef0123456789abcdef');
    vi.runAllTimers();
    expect(sent).toEqual([undefined]);
  });

  it('when ids are compared, then only database ids count and the newest wins', () => {
    expect(newestMessageId(undefined, messageId(3))).toBe(messageId(3));
    expect(newestMessageId(messageId(3), messageId(2))).toBe(messageId(3));
    expect(newestMessageId(messageId(3), 'IM0123456789abcdef0123456789abcdef')).toBe(messageId(3));
    expect(newestMessageId(messageId(3), '')).toBe(messageId(3));
  });
});
