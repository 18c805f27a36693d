// The page's interface messages: the server renders the reader's `client.*` catalog into
// <meta name="parley-i18n"> (views/i18n/_page-language.ejs), written or machine-translated. Each
// call names the English text too, used when a page has no catalog (unit tests, old pages).
type Params = Record<string, string | number>;

let strings: Record<string, string> | undefined;

// Typed structurally: the server's tests import chat modules without the DOM library.
interface PageDocument {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}
const pageMeta = () => (globalThis as { document?: PageDocument }).document?.querySelector('meta[name="parley-i18n"]') ?? null;

function catalog(): Record<string, string> {
  if (strings) return strings;
  const content = pageMeta()?.getAttribute('content');
  try {
    const parsed: unknown = content ? JSON.parse(content) : {};
    strings = parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    strings = {};
  }
  return strings;
}

/** `t('typing', '{name} is typing…', { name })`: the catalog's message with its placeholders filled. */
export function t(key: string, english: string, params: Params = {}): string {
  const message = catalog()[key] ?? english;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The page's interface locale (`de`, `zh-Hans`), as the server chose it. */
export function interfaceLocale(): string {
  return pageMeta()?.getAttribute('data-locale') ?? 'en';
}

/** Forgets the catalog read (tests render several pages in one document). */
export function resetInterfaceText(): void {
  strings = undefined;
}

/** A DeepL language code named in the interface's language (`ES` → "Spanisch" on a German page); `english` otherwise. */
export function languageNameInInterface(code: string | null | undefined, english: string): string {
  const locale = interfaceLocale();
  if (!code || locale === 'en') return english;
  try {
    const [language = '', region] = code.trim().split('-');
    const tag = region ? `${language.toLowerCase()}-${region.length === 4 ? region[0] + region.slice(1).toLowerCase() : region}` : language.toLowerCase();
    return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? english;
  } catch {
    return english;
  }
}
