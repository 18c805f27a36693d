import { describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from '../../src/lib/errors.js';
import { TranslationMemoryModel } from '../../src/translation/translation-memory.model.js';
import { createTranslationMemory, memoryKey } from '../../src/translation/translation-memory.js';
import { memoryLogger } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('translation_memory');

describe('memoryKey', () => {
  const key = (text: string, source: string | undefined, target: string, options?: Record<string, string>) =>
    memoryKey({ text, source, target, options });

  it('when texts differ only in surrounding space or Unicode form, then they share a key', () => {
    expect(key('  Café ', 'ES', 'EN-US')).toBe(key('Cafe\u0301', 'es', 'en-us'));
  });

  it('when sources differ only in their variant, then they share a key (DeepL reads base languages)', () => {
    expect(key('Hello', 'EN-US', 'ES')).toBe(key('Hello', 'en', 'ES'));
  });

  it('when source, target or options differ, then the keys differ', () => {
    const base = key('Hola', 'ES', 'EN-US');

    expect(key('Hola', undefined, 'EN-US')).not.toBe(base);
    expect(key('Hola', 'ES', 'EN-GB')).not.toBe(base);
    expect(key('Hola', 'ES', 'EN-US', { formality: 'more' })).not.toBe(base);
    expect(key('hola', 'ES', 'EN-US')).not.toBe(base);
  });
});

describe('translation memory', () => {
  const entry = { translation: 'Hello', detectedSourceLang: 'ES' };

  it('when a translation is remembered, then a fresh memory finds it in the database', async () => {
    const key = memoryKey({ text: 'Hola desde la base', source: undefined, target: 'EN-US' });
    await createTranslationMemory({ logger: memoryLogger().logger }).remember([{ key, source: 'auto', target: 'EN-US', entry }]);

    const found = await createTranslationMemory({ logger: memoryLogger().logger }).lookup([key, 'missing']);

    expect([...found]).toEqual([[key, entry]]);
  });

  it('when the same translation is remembered twice, then one record is kept and nothing is logged', async () => {
    const { logger, lines } = memoryLogger('debug');
    const key = memoryKey({ text: 'Hola dos veces', source: 'ES', target: 'DE' });
    const record = { key, source: 'ES', target: 'DE', entry };

    await createTranslationMemory({ logger }).remember([record]);
    await createTranslationMemory({ logger }).remember([record]);

    expect(await TranslationMemoryModel.countDocuments({ _id: key })).toBe(1);
    expect(lines()).toEqual([]);
  });

  it('when a key is inserted twice directly, then the database refuses the second (the key is the _id)', async () => {
    const record = { _id: 'same-key', source: 'auto', target: 'DE', translation: 'x' };
    await TranslationMemoryModel.create(record);

    const error = await TranslationMemoryModel.create(record).catch((failure: unknown) => failure);

    expect(isDuplicateKeyError(error)).toBe(true);
  });
});
