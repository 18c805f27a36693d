import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { translationApp, uniqueText } from './translation-app.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translate_budget');

/** `count` distinct texts of about `length` characters each. */
const longTexts = (count: number, length: number): string[] =>
  Array.from({ length: count }, (_, index) => uniqueText(`${index} `.padEnd(length - 9, 'x')));

describe('POST /translate character budget under concurrency', () => {
  const deepl = useDeeplServer();

  it('when 12 requests of 100 long texts arrive at once, then DeepL receives at most the budget and the rest get 429 with Retry-After', async () => {
    const limits = { requestsPerWindow: 120, charactersPerWindow: 200_000, windowMs: 60_000 };
    const { post } = await translationApp(deepl, { limits });
    const batches = Array.from({ length: 12 }, () => longTexts(100, 1_000));

    const responses = await Promise.all(batches.map((texts) => post({ texts, target_lang: 'DE', source_lang: 'ES' })));

    expect(deepl.characters).toBeGreaterThan(0);
    expect(deepl.characters).toBeLessThanOrEqual(limits.charactersPerWindow);
    const refused = responses.filter((res) => res.status === 429);
    expect(responses.filter((res) => res.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(10);
    for (const res of refused) {
      expect(Number(res.get('Retry-After'))).toBeGreaterThan(0);
      expect(res.body.error.code).toBe('too_many_requests');
    }
  });

  it('when texts are answered from the stored memory, then what was reserved for them is given back', async () => {
    const texts = longTexts(6, 1_000);
    const earlier = await translationApp(deepl);
    expect((await earlier.post({ texts, target_lang: 'DE', source_lang: 'ES' })).status).toBe(200);
    // Another process: its own in-process cache is empty, so the 6,000 characters are reserved, then found stored.
    const { post } = await translationApp(deepl, { limits: { requestsPerWindow: 120, charactersPerWindow: 7_000, windowMs: 60_000 } });
    deepl.resetCounts();

    const stored = await post({ texts, target_lang: 'DE', source_lang: 'ES' });
    const fresh = await post({ texts: longTexts(5, 1_000), target_lang: 'DE', source_lang: 'ES' });

    expect(stored.status).toBe(200);
    expect(stored.body.translations[0].untranslated).toBeUndefined();
    expect(fresh.status).toBe(200);
    expect(deepl.characters).toBe(5_000);
  });

  it('when memory hits arrive in parallel, then they cost nothing', async () => {
    const { post } = await translationApp(deepl, { limits: { requestsPerWindow: 120, charactersPerWindow: 7_000, windowMs: 60_000 } });
    const texts = longTexts(6, 1_000);
    expect((await post({ texts, target_lang: 'DE', source_lang: 'ES' })).status).toBe(200);

    const hits = await Promise.all([1, 2, 3, 4, 5].map(() => post({ texts, target_lang: 'DE', source_lang: 'ES' })));
    const fresh = await post({ texts: longTexts(1, 1_000), target_lang: 'DE', source_lang: 'ES' });

    expect(hits.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fresh.status).toBe(200);
  });

  it('when the texts are in the reader\'s language, then they cost nothing', async () => {
    const limits = { requestsPerWindow: 120, charactersPerWindow: 1_000, windowMs: 60_000 };
    const { post } = await translationApp(deepl, { limits });

    const same = await Promise.all([1, 2, 3].map(() => post({ texts: longTexts(2, 900), target_lang: 'EN-GB', source_lang: 'EN-US' })));
    const fresh = await post({ texts: longTexts(1, 900), target_lang: 'DE', source_lang: 'ES' });

    expect(same.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(fresh.status).toBe(200);
  });
});
