// C0 controls (newline and tab included: a listing is one line per row), DEL, C1 controls (U+009B
// is an 8-bit CSI to some terminals), line and paragraph separators, and bidi embeddings,
// overrides and isolates, which reorder what is printed after them.
const UNSAFE_FOR_TERMINAL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * User-written text (usernames, message previews) as the CLI prints it: control characters shown
 * as escapes, so stored text can neither retitle the window, recolour or clear the terminal, nor
 * forge extra output lines. Backslashes are escaped too, so an escape is never ambiguous.
 */
export function terminalText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(UNSAFE_FOR_TERMINAL, escapeCharacter);
}

/**
 * JSON for the terminal: JSON.stringify escapes C0 controls but prints DEL, C1 controls and bidi
 * characters raw; those become \u escapes, which any JSON parser reads back unchanged.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_FOR_TERMINAL, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
