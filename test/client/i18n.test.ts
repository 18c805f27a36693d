import { afterEach, describe, expect, it } from 'vitest';
import { languageNameInInterface, resetInterfaceText, t } from '../../client/lib/i18n.js';
import { createInterfaceLanguages } from '../../src/i18n/index.js';
import { memoryLogger } from '../support/app.js';

/** A page head as views/i18n/_page-language.ejs renders it (attributes as the browser decodes them). */
function pageWith(strings: Record<string, string>, locale: string): void {
  const attributes: Record<string, string> = { content: JSON.stringify(strings), 'data-locale': locale };
  const meta = { getAttribute: (name: string) => attributes[name] ?? null };
  Object.assign(globalThis, { document: { querySelector: (selector: string) => (selector === 'meta[name="parley-i18n"]' ? meta : null) } });
  resetInterfaceText();
}

describe('the browser\'s interface messages', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'document');
    resetInterfaceText();
  });

  it('when the page carries the German catalog, then the chat reads German, placeholders filled and languages named in German', async () => {
    const interfaceLanguages = createInterfaceLanguages({ translations: { translate: () => Promise.reject(new Error('not used')) }, logger: memoryLogger().logger });
    const german = await interfaceLanguages.localsFor('DE');
    pageWith(german.uiClientStrings, german.uiLocale);
    expect(t('send', 'Send')).toBe('Senden');
    expect(t('notSent', 'Not sent.')).toBe('Nicht gesendet.');
    expect(t('typing', '{name} is typing…', { name: 'maria' })).toBe('maria schreibt…');
    expect(t('showOriginal', 'Show original ({language})', { language: languageNameInInterface('ES', 'Spanish') })).toBe('Original anzeigen (Spanisch)');
  });

  it('when a page carries no catalog, then the English text is used', () => {
    expect(t('showOriginal', 'Show original ({language})', { language: languageNameInInterface('ES', 'Spanish') })).toBe('Show original (Spanish)');
  });
});
