import { describe, expect, it } from 'vitest';
import { createDeeplTranslator } from '../../src/translation/deepl-translator.js';
import { createLanguageCatalog } from '../../src/translation/language-catalog.js';
import { builtInTargetLanguages } from '../../src/contract/languages.js';
import { createNoTranslator, type Translator } from '../../src/translation/translator.js';
import { memoryLogger } from '../support/app.js';
import { useDeeplServer } from './local-deepl.js';

describe('language catalog', () => {
  const deepl = useDeeplServer();
  const clock = { now: 0 };

  const deeplTranslator = () => createDeeplTranslator({ authKey: 'k', serverUrl: deepl.url, timeoutMs: 1_000 });
  const catalog = (translator: Translator = deeplTranslator()) =>
    createLanguageCatalog({ translator, logger: memoryLogger().logger, now: () => clock.now });

  it('when DeepL answers, then its target languages are listed by name and kept for a day', async () => {
    const languages = catalog();

    const first = await languages.targetLanguages();
    await languages.targetLanguages();
    clock.now += 23 * 3_600_000;
    await languages.targetLanguages();

    expect(first[0]).toEqual({ code: 'AR', name: 'Arabic' });
    expect(first.map((language) => language.name)).toEqual([...first.map((language) => language.name)].sort());
    expect(deepl.requests).toBe(1);

    clock.now += 2 * 3_600_000;
    await languages.targetLanguages();
    expect(deepl.requests).toBe(2);
  });

  it('when DeepL is unreachable, then the built-in list is served and DeepL is asked again later', async () => {
    deepl.setFault('500');
    const languages = catalog();

    expect(await languages.targetLanguages()).toEqual(builtInTargetLanguages);

    deepl.setFault(null);
    clock.now += 10 * 60_000;
    const recovered = await languages.targetLanguages();
    expect(recovered).not.toBe(builtInTargetLanguages);
    expect(recovered).toContainEqual({ code: 'DE', name: 'German' });
  });

  it('when no translator is configured, then the built-in list is served', async () => {
    expect(await catalog(createNoTranslator()).targetLanguages()).toEqual(builtInTargetLanguages);
  });

  it('when a code is checked, then known target codes pass and others do not', () => {
    const languages = catalog();

    expect(languages.isSupportedTarget('pt-br')).toBe(true);
    expect(languages.isSupportedTarget('XX')).toBe(false);
    expect(languages.isSupportedTarget('EN')).toBe(false);
  });
});
