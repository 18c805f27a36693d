import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/translation/circuit-breaker.js';
import { createDeeplTranslator } from '../../src/translation/deepl-translator.js';
import type { ActiveGlossary, GlossaryDirectory } from '../../src/translation/glossary-directory.js';
import { createTranslationMemory, memoryKey } from '../../src/translation/translation-memory.js';
import { createTranslationService } from '../../src/translation/translation.service.js';
import { memoryLogger } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('memory_hits');

describe('memory hits answered at once', () => {
  const deepl = useDeeplServer();
  const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

  function buildService(glossaries?: GlossaryDirectory) {
    const { logger } = memoryLogger('warn');
    const translator = createDeeplTranslator({ authKey: 'k', serverUrl: deepl.url, timeoutMs: 1_000 });
    const breaker = new CircuitBreaker({ name: 'DeepL', logger, failureThreshold: 3, cooldownMs: 30_000 });
    const memory = createTranslationMemory({ logger });
    return createTranslationService({ translator, memory, breaker, logger, timeoutMs: 1_000, glossaries, formalityDefaults: {} });
  }

  it('when keys are made again and again, then each is still the database id the memory has always used', () => {
    const plain = ['Hola', 'ES', 'DE', 'formality=prefer_more'].join('\u0000');
    const expected = createHash('sha256').update(plain).digest('hex');

    for (let round = 0; round < 3; round++) {
      expect(memoryKey({ text: ' Hola ', source: 'es', target: 'de', options: { formality: 'prefer_more' } })).toBe(expected);
    }
  });

  it('when every text is blank, in the reader\'s language or remembered, then the answer is translate\'s, and DeepL is not asked', async () => {
    const service = buildService();
    const texts = [unique('Hola'), '  ', unique('Gracias')];
    const translated = await service.translate(texts, 'EN-US', 'ES');
    deepl.resetCounts();

    expect(await service.remembered(texts, 'EN-US', 'ES')).toEqual(translated.translations);
    expect(await service.remembered(['Hello'], 'EN-GB', 'EN-US')).toEqual([{ text: 'Hello', detectedSourceLang: 'EN' }]);
    expect(deepl.requests).toBe(0);
  });

  it('when one text is not remembered, then there is no answer at once (translate makes it)', async () => {
    const service = buildService();
    const known = unique('Hola');
    await service.translate([known], 'EN-US', 'ES');

    expect(await service.remembered([known, unique('Adiós')], 'EN-US', 'ES')).toBeUndefined();
  });

  it('when the register differs from the one translated, then it is not a hit', async () => {
    const service = buildService();
    const text = unique('How are you');
    await service.translate([text], 'DE', 'EN', { register: 'formal' });

    expect(await service.remembered([text], 'DE', 'EN', 'formal')).toBeDefined();
    expect(await service.remembered([text], 'DE', 'EN', 'informal')).toBeUndefined();
    expect(await service.remembered([text], 'DE', 'EN')).toBeUndefined();
  });

  it('when the glossary of the pair changes, then translations made with the old terms are no longer hits', async () => {
    const active: { glossary: ActiveGlossary | undefined } = { glossary: undefined };
    const service = buildService({ find: () => active.glossary, ensureFresh: async () => {} });
    const text = unique('Parley Pro is ready');
    await service.translate([text], 'ES', 'EN');

    expect(await service.remembered([text], 'ES', 'EN')).toBeDefined();
    active.glossary = { id: 'glossary-1', version: 'v2' };
    expect(await service.remembered([text], 'ES', 'EN')).toBeUndefined();
  });
});
