import { describe, expect, it } from 'vitest';
import { matchLanguage } from '../../client/widget/language-match.js';

describe("the visitor's language from the browser", () => {
  it('when the browser names a language and region, then the DeepL target is the regional one if DeepL has it, else the language', () => {
    expect(matchLanguage(['es-ES', 'es'])).toBe('ES');
    expect(matchLanguage(['en-GB'])).toBe('EN-GB');
    expect(matchLanguage(['en'])).toBe('EN-US');
    expect(matchLanguage(['pt'])).toBe('PT-BR');
    expect(matchLanguage(['pt-PT'])).toBe('PT-PT');
    expect(matchLanguage(['zh-TW'])).toBe('ZH-HANT');
    expect(matchLanguage(['zh-CN'])).toBe('ZH-HANS');
    expect(matchLanguage(['de-AT'])).toBe('DE');
    expect(matchLanguage(['nb-NO'])).toBe('NB');
  });

  it('when the first languages are not DeepL targets, then the first one that is wins, and English when none is', () => {
    expect(matchLanguage(['gd', 'cy', 'fr-CA'])).toBe('FR');
    expect(matchLanguage(['gd'])).toBe('EN-US');
    expect(matchLanguage([])).toBe('EN-US');
  });

  it('when DeepL offers fewer languages, then only those are chosen', () => {
    expect(matchLanguage(['es-ES', 'de'], [{ code: 'DE', name: 'German' }])).toBe('DE');
  });
});
