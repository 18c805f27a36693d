import { ValidationError } from '../lib/errors.js';

const EMPTY_MESSAGE = 'Write a message first.';

// Control characters (C0, DEL and C1) except tab and newline. Carriage returns are turned into
// newlines before this runs, so none is left to drop.
const CONTROL_CHARACTERS = /[^\P{Cc}\t\n]/gu;

// What renders as nothing: white space, default-ignorable code points (zero-width spaces and
// joiners, word joiner, BOM, soft hyphen, variation selectors, Hangul fillers, bidi marks), other
// format characters, and the blank Braille pattern, which fonts draw empty.
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\u2800]*$/u;

/**
 * The one shape a message body is stored in. Line breaks become `\n` so a lone `\r` cannot
 * rewrite a line in a transcript viewer, controls (NUL, BEL, terminal escapes) are dropped so they
 * never reach a terminal or a log, and NFC makes equal texts equal bytes for the translation
 * memory. A body with nothing visible left is refused.
 */
export function normaliseMessageBody(body: string): string {
  const normalised = cleanMessageText(body);
  if (INVISIBLE.test(normalised)) throw new ValidationError(EMPTY_MESSAGE, { body: EMPTY_MESSAGE });
  return normalised;
}

/**
 * The same normalisation for text that did not come through validateBody (messages stored before
 * it, or sent straight to Twilio by a browser), for transcripts and previews; it never throws.
 */
export function cleanMessageText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '');
}
