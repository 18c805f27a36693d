import { AuthorizationError } from 'deepl-node';
import { describe, expect, it } from 'vitest';
import {
  createDeeplTranslator,
  maxRequestBytes,
  splitIntoRequests,
  TranslatorKeyRefusedError,
} from '../../src/translation/deepl-translator.js';
import { useDeeplServer } from './local-deepl.js';

describe('DeepL translator (deepl-node against a local DeepL)', () => {
  const deepl = useDeeplServer({ authKey: 'test-key' });
  const translator = () => createDeeplTranslator({ authKey: 'test-key', serverUrl: deepl.url, timeoutMs: 1_000 });

  it('when texts are translated, then each comes back in order with the detected source language', async () => {
    const results = await translator().translate(['Hola', 'Thank you'], 'ES');

    expect(results).toEqual([
      { text: 'Hola', detectedSourceLang: 'ES' },
      { text: 'Gracias', detectedSourceLang: 'EN' },
    ]);
    expect(deepl.translateRequests).toBe(1);
  });

  it('when a source language is given, then DeepL is told it', async () => {
    const [result] = await translator().translate(['Mi pedido no ha llegado'], 'EN-GB', 'es');

    expect(result).toEqual({ text: 'My order has not arrived', detectedSourceLang: 'ES' });
  });

  it('when some texts are empty, then they are not sent and come back empty', async () => {
    const results = await translator().translate(['', 'Hola', ''], 'EN-US');

    expect(results.map((result) => result.text)).toEqual(['', 'Hello', '']);
    expect(deepl.characters).toBe('Hola'.length);
  });

  it('when 120 texts are translated, then they go in requests of at most 50, in order', async () => {
    const texts = Array.from({ length: 120 }, (_, index) => `message ${index}`);

    const results = await translator().translate(texts, 'DE');

    expect(deepl.translateRequests).toBe(3);
    expect(results.map((result) => result.text)).toEqual(texts.map((text) => `[DE] ${text}`));
  });

  it('when texts add up to more than 128 KiB, then they are split into requests DeepL accepts', async () => {
    // 'é' is 6 bytes form-encoded: 40 texts of 4,000 make ~940 KiB, which DeepL refuses in one go.
    const texts = Array.from({ length: 40 }, (_, index) => `${index} ${'é'.repeat(4_000)}`);

    const results = await translator().translate(texts, 'DE');

    expect(results).toHaveLength(40);
    expect(results[39]?.text).toBe(`[DE] ${texts[39]}`);
    expect(deepl.translateRequests).toBeGreaterThan(1);
  });

  it('when the key is wrong, then the call fails with a refused-key error wrapping deepl-node\'s', async () => {
    const wrongKey = createDeeplTranslator({ authKey: 'other', serverUrl: deepl.url, timeoutMs: 1_000 });

    await expect(wrongKey.translate(['Hola'], 'EN-US')).rejects.toThrow(TranslatorKeyRefusedError);
    await expect(wrongKey.targetLanguages()).rejects.toThrow(TranslatorKeyRefusedError);
    const refused = await wrongKey.translate(['Hola'], 'EN-US').catch((error: unknown) => error);
    expect((refused as Error).cause).toBeInstanceOf(AuthorizationError);
  });

  it.each(['429', '456', '500'] as const)('when DeepL answers %s, then the call fails without retrying', async (fault) => {
    deepl.setFault(fault);

    await expect(translator().translate(['Hola'], 'EN-US')).rejects.toThrow();
    expect(deepl.requests).toBe(1);
  });

  it('when DeepL never answers, then the call gives up instead of waiting', async () => {
    deepl.setFault('hang');

    await expect(translator().translate(['Hola'], 'EN-US')).rejects.toThrow(/timeout/);
    expect(deepl.requests).toBe(1);
  });

  it('when target languages are asked for, then DeepL\'s list comes back with names', async () => {
    const languages = await translator().targetLanguages();

    expect(languages).toContainEqual({ code: 'PT-BR', name: 'Portuguese (Brazilian)' });
    expect(languages).toContainEqual({ code: 'ES', name: 'Spanish' });
  });
});

describe('splitIntoRequests', () => {
  it('when texts fit, then they stay in one request', () => {
    expect(splitIntoRequests(['a', 'b'])).toEqual([['a', 'b']]);
  });

  it('when one text alone is larger than the limit, then it goes alone', () => {
    const huge = 'x'.repeat(maxRequestBytes + 10);

    expect(splitIntoRequests(['a', huge, 'b'])).toEqual([['a'], [huge], ['b']]);
  });
});
