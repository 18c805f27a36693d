// Words as search compares them: case, accents and punctuation ignored ("Pedído," = "pedido").
// The same function makes the terms stored on messages and the terms of a query, so they meet.

const MIN_LENGTH = 2;
/** A message's terms are capped: the longest message (1,600 characters) has far fewer words. */
const MAX_TERMS = 400;

/** The distinct normalised words of a text, in order of first appearance. */
export function searchTerms(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= MIN_LENGTH);
  return [...new Set(words)].slice(0, MAX_TERMS);
}
