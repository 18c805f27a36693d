import { describe, expect, it } from 'vitest';
import { matchingReplies, pickerKey, slashQuery } from '../../client/chat/saved-reply-picker.js';

const replies = [
  { id: '1', name: 'refund', text: 'We refund you.' },
  { id: '2', name: 'hello', text: 'Hello!' },
  { id: '3', name: 'late-refund', text: 'Late refunds take a week.' },
  { id: '4', name: 'hours', text: 'We open at 9.' },
];

describe('the composer\'s / menu (what it decides)', () => {
  it('when the box holds a / and a name at its start, then that is the query; anything else is not a request', () => {
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/Ref')).toBe('ref');
    expect(slashQuery('hello /ref')).toBeUndefined();
    expect(slashQuery('/ref and more')).toBeUndefined();
    expect(slashQuery('')).toBeUndefined();
  });

  it('when filtering, then names starting with the query come first, then names containing it', () => {
    expect(matchingReplies(replies, 'h').map((reply) => reply.name)).toEqual(['hello', 'hours']);
    expect(matchingReplies(replies, 'refund').map((reply) => reply.name)).toEqual(['refund', 'late-refund']);
    expect(matchingReplies(replies, '').map((reply) => reply.name)).toEqual(['hello', 'hours', 'late-refund', 'refund']);
    expect(matchingReplies(replies, 'zz')).toEqual([]);
  });

  it('when the rep presses arrows, Enter and Escape, then the highlight wraps, Enter chooses it, Escape closes', () => {
    expect(pickerKey('ArrowDown', 0, 3)).toEqual({ type: 'move', index: 1 });
    expect(pickerKey('ArrowDown', 2, 3)).toEqual({ type: 'move', index: 0 });
    expect(pickerKey('ArrowUp', 0, 3)).toEqual({ type: 'move', index: 2 });
    expect(pickerKey('Enter', 1, 3)).toEqual({ type: 'choose', index: 1 });
    expect(pickerKey('Escape', 1, 3)).toEqual({ type: 'close' });
    expect(pickerKey('Enter', -1, 0)).toEqual({ type: 'none' });
    expect(pickerKey('a', 0, 3)).toEqual({ type: 'none' });
  });
});
