import { describe, expect, it } from 'vitest';
import { catalogFromXml, catalogToXml, flatten, loadCatalog, placeholdersOf, writtenLanguages } from '../../src/i18n/index.js';

const english = flatten(loadCatalog('en'));

describe('interface catalogs', () => {
  for (const language of writtenLanguages.filter((code) => code !== 'en')) {
    it(`when the ${language} catalog is read, then it has every English key, no other, and the same ICU placeholders`, () => {
      const catalog = flatten(loadCatalog(language));
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
      for (const [key, message] of Object.entries(english)) {
        const translated = catalog[key] ?? '';
        expect(translated.trim(), `${language} ${key} is empty`).not.toBe('');
        expect(placeholdersOf(translated), `${language} ${key}`).toEqual(placeholdersOf(message));
      }
    });
  }

  it('when the browser reads its messages, then they use plain {name} placeholders only (client/lib/i18n.ts fills no plurals)', () => {
    for (const language of writtenLanguages) {
      for (const [key, message] of Object.entries(flatten(loadCatalog(language)))) {
        if (!key.startsWith('client.')) continue;
        expect(message, `${language} ${key}`).not.toMatch(/\{\w+,/);
      }
    }
  });

  it('when the catalog goes to DeepL as XML, then placeholders sit in ignored tags and come back unchanged', () => {
    const messages = ['Hi {name}, it\'s 5 < 6 & fine', '{count, plural, one {# message} other {# messages}} left'];
    const xml = catalogToXml(messages);
    expect(xml).toContain('<x>{name}</x>');
    expect(xml).toContain('it\'s 5 &lt; 6 &amp; fine');
    expect(xml).toContain('<x>{count, plural, </x><x>one {</x><x>#</x> message<x>} </x>');
    // What a translator would do: change the text, keep the tags.
    const back = catalogFromXml(xml.replace('Hi ', 'Hej ').replace(' message<', ' besked<').replace(' messages<', ' beskeder<'));
    expect(back.get(0)).toBe("Hej {name}, it''s 5 < 6 & fine");
    expect(back.get(1)).toBe('{count, plural, one {# besked} other {# beskeder} } left');
    expect(placeholdersOf(back.get(1) ?? '')).toEqual(['count']);
  });
});
