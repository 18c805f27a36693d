import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../../src/translation/circuit-breaker.js';
import { createDeeplTranslator } from '../../src/translation/deepl-translator.js';
import { createTranslationMemory } from '../../src/translation/translation-memory.js';
import { createTranslationService } from '../../src/translation/translation.service.js';
import { createNoTranslator, type Translator } from '../../src/translation/translator.js';
import type { TranslationUsage } from '../../src/translation/translation-usage.js';
import { memoryLogger } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translation_service');

describe('translation service', () => {
  const deepl = useDeeplServer();
  let clock = 0;

  function buildService(options: { translator?: Translator; failureThreshold?: number; usage?: TranslationUsage } = {}) {
    const { logger, lines } = memoryLogger('debug');
    const timeoutMs = 1_000;
    const translator = options.translator ?? createDeeplTranslator({ authKey: 'k', serverUrl: deepl.url, timeoutMs });
    const breaker = new CircuitBreaker({
      name: 'DeepL',
      logger,
      failureThreshold: options.failureThreshold ?? 3,
      cooldownMs: 30_000,
      now: () => clock,
    });
    const memory = createTranslationMemory({ logger });
    return { service: createTranslationService({ translator, memory, breaker, logger, timeoutMs, usage: options.usage }), lines };
  }

  const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

  it('when a text was translated before, then the memory answers without calling DeepL', async () => {
    const text = unique('Hola amigo');
    const { service } = buildService();
    const first = await service.translate([text], 'EN-US');

    const cached = await service.translate([text], 'EN-US');
    const fromDatabase = await buildService().service.translate([text], 'EN-US');

    expect(first.translations).toEqual([{ text: `[EN] ${text}`, detectedSourceLang: 'ES' }]);
    expect(cached.translations).toEqual(first.translations);
    expect(fromDatabase.translations).toEqual(first.translations);
    expect(deepl.translateRequests).toBe(1);
    expect(cached.upstreamCharacters).toBe(0);
    expect(fromDatabase.upstreamCharacters).toBe(0);
  });

  it('when 20 identical requests arrive at once, then DeepL is called once', async () => {
    const text = unique('Buenos días');
    const { service } = buildService();

    const batches = await Promise.all(Array.from({ length: 20 }, () => service.translate([text], 'EN-GB')));

    expect(deepl.translateRequests).toBe(1);
    expect(new Set(batches.map((batch) => batch.translations[0]?.text))).toEqual(new Set([`[EN] ${text}`]));
  });

  it('when a batch repeats a text, then it is sent once and answered at every position', async () => {
    const text = unique('repeat');
    const { service } = buildService();

    const batch = await service.translate([text, 'Hola', text], 'DE');

    expect(batch.translations.map((item) => item.text)).toEqual([`[DE] ${text}`, '[DE] Hola', `[DE] ${text}`]);
    expect(deepl.characters).toBe(text.length + 'Hola'.length);
  });

  it('when the source is the reader\'s base language, then the text is returned as is without a call', async () => {
    const { service } = buildService();

    const batch = await service.translate(['Colour me surprised', 'Hi'], 'EN-GB', 'EN-US');

    expect(batch.translations).toEqual([
      { text: 'Colour me surprised', detectedSourceLang: 'EN' },
      { text: 'Hi', detectedSourceLang: 'EN' },
    ]);
    expect(deepl.requests).toBe(0);
  });

  it('when texts are blank, then they come back as they are without a call', async () => {
    const { service } = buildService();

    const batch = await service.translate(['', '   '], 'DE');

    expect(batch.translations.map((item) => item.text)).toEqual(['', '   ']);
    expect(deepl.requests).toBe(0);
  });

  it('when no translator is configured, then originals come back marked untranslated', async () => {
    const { service } = buildService({ translator: createNoTranslator() });

    const batch = await service.translate(['Hola'], 'EN-US', 'ES');

    expect(batch.translations).toEqual([{ text: 'Hola', detectedSourceLang: 'ES', untranslated: true, reason: 'off' }]);
  });

  it.each(['429', '456', '500', 'hang'] as const)(
    'when DeepL fails with %s, then originals come back marked untranslated',
    async (fault) => {
      const text = unique('Necesito ayuda');
      const { service } = buildService();
      deepl.setFault(fault);

      const batch = await service.translate([text], 'EN-US');

      expect(batch.translations).toEqual([{ text, detectedSourceLang: undefined, untranslated: true }]);
    },
  );

  it('when DeepL keeps failing, then the circuit opens, logs once, and recovers after the cooldown', async () => {
    const texts = Array.from({ length: 6 }, (_, index) => unique(`message ${index}`));
    const { service, lines } = buildService({ failureThreshold: 3 });
    deepl.setFault('500');

    for (const text of texts) await service.translate([text], 'DE');

    expect(deepl.translateRequests).toBe(3);
    expect(lines().filter((line) => line.includes('circuit open'))).toHaveLength(1);

    deepl.setFault(null);
    const stillOpen = await service.translate([texts[0] ?? ''], 'DE');
    expect(stillOpen.translations[0]?.untranslated).toBe(true);

    clock += 30_000;
    const recovered = await service.translate(texts, 'DE');
    expect(recovered.translations.map((item) => item.text)).toEqual(texts.map((text) => `[DE] ${text}`));
    expect(lines().filter((line) => line.includes('circuit closed'))).toHaveLength(1);
  });

  it('when DeepL answers in time but counting the characters outlasts the deadline, then the reader gets the translation and DeepL is not taken for failing', async () => {
    // The database is busy: counting takes longer than the reader's deadline (1 s + slack).
    const usage: TranslationUsage = {
      record: () => new Promise((done) => setTimeout(done, 1_600)),
      forConversation: async () => ({ characters: 0, requests: 0, previewCharacters: 0 }),
      forDay: async () => ({ characters: 0, requests: 0, previewCharacters: 0 }),
      forMonth: async () => ({ characters: 0, requests: 0, previewCharacters: 0 }),
    };
    const { service } = buildService({ usage, failureThreshold: 1 });
    const [first, second] = [unique('Gracias'), unique('Hola')];

    const answered = await service.translate([first], 'EN-US');
    const after = await service.translate([second], 'EN-US');

    expect(answered.translations).toEqual([{ text: `[EN] ${first}`, detectedSourceLang: 'ES' }]);
    expect(after.translations).toEqual([{ text: `[EN] ${second}`, detectedSourceLang: 'ES' }]);
    expect(deepl.translateRequests).toBe(2);
  });

  it('when a stored message is prefetched, then readers of the other languages hit the memory', async () => {
    const text = unique('Mensaje');
    const { service } = buildService();

    service.prefetch(text, 'ES', ['EN-US', 'ES', 'DE']);
    await vi.waitFor(() => expect(deepl.translateRequests).toBe(2));
    const english = await service.translate([text], 'EN-US', 'ES');
    const german = await service.translate([text], 'DE', 'ES');

    expect(english.translations[0]?.text).toBe(`[EN] ${text}`);
    expect(german.translations[0]?.text).toBe(`[DE] ${text}`);
    expect(deepl.translateRequests).toBe(2);
  });

  it('when prefetching while DeepL is down, then the caller is not affected', async () => {
    const { service } = buildService();
    deepl.setFault('500');

    expect(() => service.prefetch('Hola', 'ES', ['EN-US'])).not.toThrow();
    await vi.waitFor(() => expect(deepl.translateRequests).toBe(1));
  });
});
