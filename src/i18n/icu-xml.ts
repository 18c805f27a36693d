// DeepL translates ICU messages as XML: the text between placeholders is translated, the ICU
// syntax (`{name}`, `{count, plural, one {` … `}`, `#`) sits in <x> tags that DeepL is told to
// leave alone (ignore_tags=x), so a translation can never rename or break a placeholder.
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

/** The tag that wraps one message in the catalog document, and the one DeepL must not touch. */
export const messageTag = 'm';
export const keepTag = 'x';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const keep = (syntax: string) => `<${keepTag}>${escapeXml(syntax)}</${keepTag}>`;

function elementsToXml(elements: readonly MessageFormatElement[]): string {
  return elements.map(elementToXml).join('');
}

function elementToXml(element: MessageFormatElement): string {
  if (element.type === TYPE.literal) return escapeXml(element.value);
  if (element.type === TYPE.pound) return keep('#');
  if (element.type === TYPE.plural || element.type === TYPE.select) {
    const kind = element.type === TYPE.select ? 'select' : element.pluralType === 'ordinal' ? 'selectordinal' : 'plural';
    const offset = element.type === TYPE.plural && element.offset ? `offset:${element.offset} ` : '';
    const options = Object.entries(element.options).map(([rule, option]) => keep(`${rule} {`) + elementsToXml(option.value) + keep('} '));
    return keep(`{${element.value}, ${kind}, ${offset}`) + options.join('') + keep('}');
  }
  return keep(printAST([element]));
}

/** One ICU message as DeepL's XML input. Throws on a message that is not valid ICU. */
export function messageToXml(message: string): string {
  return elementsToXml(parse(message));
}

/** Translated text back into ICU: apostrophes and braces DeepL wrote are literal, not syntax. */
const escapeIcuLiteral = (text: string) => text.replace(/'/g, "''").replace(/[{}]/g, (brace) => `'${brace}'`);

export function xmlToMessage(xml: string): string {
  const pattern = new RegExp(`<${keepTag}>([\\s\\S]*?)</${keepTag}>`, 'g');
  let message = '';
  let last = 0;
  for (const match of xml.matchAll(pattern)) {
    message += escapeIcuLiteral(unescapeXml(xml.slice(last, match.index))) + unescapeXml(match[1] ?? '');
    last = match.index + match[0].length;
  }
  return message + escapeIcuLiteral(unescapeXml(xml.slice(last)));
}

/** The placeholder names a message uses, sorted: a translation must use exactly the same. */
export function placeholdersOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
      names.add(element.value);
      if (element.type === TYPE.plural || element.type === TYPE.select) Object.values(element.options).forEach((option) => walk(option.value));
      if (element.type === TYPE.tag) walk(element.children);
    }
  };
  walk(parse(message));
  return [...names].sort();
}

/** The whole catalog as one XML text (one DeepL request, one memory entry), in key order. */
export function catalogToXml(messages: readonly string[]): string {
  return messages.map((message, index) => `<${messageTag} i="${index}">${messageToXml(message)}</${messageTag}>`).join('\n');
}

/** The translated messages by position; a message DeepL lost is missing from the map. */
export function catalogFromXml(xml: string): Map<number, string> {
  const found = new Map<number, string>();
  const pattern = new RegExp(`<${messageTag} i="(\\d+)">([\\s\\S]*?)</${messageTag}>`, 'g');
  for (const match of xml.matchAll(pattern)) found.set(Number(match[1]), xmlToMessage(match[2] ?? ''));
  return found;
}
