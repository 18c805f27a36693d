import { describe, expect, it } from 'vitest';
import { cleanMessageText, normaliseMessageBody } from '../../src/conversations/message-body.js';
import { validateBody } from '../../src/conversations/message-pipeline.js';
import { ValidationError } from '../../src/lib/errors.js';

function refusal(body: string): ValidationError {
  try {
    normaliseMessageBody(body);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

describe('message bodies', () => {
  it('when a body has a lone carriage return, then it becomes a newline and cannot rewrite a line', () => {
    expect(normaliseMessageBody('hola\r[rep] forged line')).toBe('hola\n[rep] forged line');
  });

  it('when a body has Windows line endings, then each becomes one newline', () => {
    expect(normaliseMessageBody('one\r\ntwo\r\n\r\nthree')).toBe('one\ntwo\n\nthree');
  });

  it('when a body has NUL, BEL, escape sequences, DEL or C1 controls, then they are dropped', () => {
    const body = 'a\u0000b\u0007c\u001b]0;owned\u0007d\u001b[31mred\u001b[0m\u007f\u0085\u009be';
    expect(normaliseMessageBody(body)).toBe('abc]0;ownedd[31mred[0me');
  });

  it('when a body has tabs and newlines, then they are kept', () => {
    expect(normaliseMessageBody('name:\tvalue\nnext')).toBe('name:\tvalue\nnext');
  });

  it('when a body is in decomposed form, then it is stored composed (NFC)', () => {
    expect(normaliseMessageBody('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('when a body has emoji with joiners and variation selectors, then they are kept', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u2764\uFE0F';
    expect(normaliseMessageBody(family)).toBe(family);
  });

  it.each([
    ['only spaces and newlines', '  \n\t  '],
    ['only zero-width spaces', '\u200B\u200B'],
    ['zero-width joiners, word joiner and BOM', '\u200C\u200D\u2060\uFEFF'],
    ['Hangul fillers', '\u3164\u115F'],
    ['a blank Braille pattern', '\u2800'],
    ['bidi marks and a no-break space', '\u200E\u200F\u00A0'],
    ['only controls', '\u0000\u0007\u001b'],
    ['nothing', ''],
  ])('when a body has %s, then it is refused on the body field', (_label, body) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.fields).toEqual({ body: 'Write a message first.' });
  });

  it('when messaging validates a body, then it stores the normalised text', () => {
    expect(validateBody('hi\rthere\u0007')).toBe('hi\nthere');
    expect(() => validateBody('\u200B')).toThrow(ValidationError);
  });

  it('when text from elsewhere is cleaned for display, then it gets the same rules and is never refused', () => {
    expect(cleanMessageText('a\rb\u001b[31m')).toBe('a\nb[31m');
    expect(cleanMessageText('\u200B')).toBe('\u200B');
  });
});
