import { describe, expect, it } from 'vitest';
import { createMemoryCharacterBudget } from '../../src/translation/index.js';
import { useTestDatabase } from '../support/database.js';
import { translationApp, uniqueText } from './translation-app.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translate_failures');

describe('POST /translate when DeepL fails', () => {
  const deepl = useDeeplServer();
  const clock = { now: 0 };

  it.each(['429', '456', '500', 'hang'] as const)(
    'when DeepL answers %s, then originals come back marked untranslated, and translated after recovery',
    async (fault) => {
      const { post } = await translationApp(deepl, { breaker: { failureThreshold: 2, cooldownMs: 1_000, now: () => clock.now } });
      const texts = [uniqueText('Hola'), uniqueText('Gracias')];
      deepl.setFault(fault);

      const failing = await post({ texts, target_lang: 'EN-US' });
      const single = await post({ text: texts[0], target_lang: 'EN-US', source_lang: 'ES' });

      expect(failing.status).toBe(200);
      expect(failing.body.translations).toEqual(
        texts.map((text) => ({ text, detected_source_lang: null, untranslated: true })),
      );
      expect(single.status).toBe(200);
      expect(single.body).toEqual({ response_text: texts[0], untranslated: true });

      deepl.setFault(null);
      clock.now += 1_000;
      const recovered = await post({ texts, target_lang: 'EN-US' });
      expect(recovered.body.translations).toEqual(
        texts.map((text) => ({ text: `[EN] ${text}`, detected_source_lang: 'ES' })),
      );
    },
  );

  it('when DeepL keeps failing, then it stops being called and the failure is logged once', async () => {
    const { post, lines } = await translationApp(deepl, { breaker: { failureThreshold: 3, cooldownMs: 60_000, now: () => clock.now } });
    deepl.setFault('500');

    for (let i = 0; i < 8; i++) {
      const res = await post({ text: uniqueText('Hola'), target_lang: 'DE' });
      expect(res.body.untranslated).toBe(true);
    }

    expect(deepl.translateRequests).toBe(3);
    expect(lines().filter((line) => line.includes('circuit open'))).toHaveLength(1);
  });

  it('when no translator is configured, then originals come back marked untranslated', async () => {
    const { createNoTranslator } = await import('../../src/translation/index.js');
    const { post } = await translationApp(deepl, { translator: createNoTranslator() });

    const res = await post({ texts: ['Hola'], target_lang: 'EN-US', source_lang: 'ES' });

    expect(res.body).toEqual({ translations: [{ text: 'Hola', detected_source_lang: 'ES', untranslated: true, untranslated_reason: 'off' }] });
    expect(deepl.requests).toBe(0);
  });
});

describe('POST /translate limits per user', () => {
  const deepl = useDeeplServer();

  it('when a user sends more requests than the rate allows, then it is 429 with Retry-After', async () => {
    const limits = { requestsPerWindow: 2, charactersPerWindow: 1_000_000, windowMs: 60_000 };
    const { post } = await translationApp(deepl, { limits });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post({ text: 'Hola', target_lang: 'DE' })).status);
    const refused = await post({ text: 'Hola', target_lang: 'DE' });

    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('too_many_requests');
  });

  it('when a user translates, then each answer carries the draft-8 RateLimit headers: the same policy, the remaining requests counting down to the refusal', async () => {
    const limits = { requestsPerWindow: 2, charactersPerWindow: 1_000_000, windowMs: 60_000 };
    const { post } = await translationApp(deepl, { limits });

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post({ text: 'Hola', target_lang: 'DE' }));

    expect(answers.map((res) => res.status)).toEqual([200, 200, 429]);
    expect(answers.map((res) => res.get('RateLimit-Policy'))).toEqual(Array(3).fill('"translate"; q=2; w=60'));
    expect(answers.map((res) => /^"translate"; r=(\d+); t=(\d+)$/.exec(res.get('RateLimit') ?? '')?.[1])).toEqual(['1', '0', '0']);
    expect(Number(/t=(\d+)/.exec(answers[2]!.get('RateLimit') ?? '')?.[1])).toBeGreaterThan(0);
  });

  it('when a user has spent the character budget, then it is 429 with Retry-After, and memory hits did not count', async () => {
    // 17 + 15 characters fit exactly; the next 13 do not. Characters are reserved before DeepL is
    // called, so a request that would go over the budget is refused (it used to pass and overrun).
    const limits = { requestsPerWindow: 100, charactersPerWindow: 32, windowMs: 60_000 };
    const characterBudget = createMemoryCharacterBudget({ limit: 32, windowMs: 60_000 });
    const { post } = await translationApp(deepl, { limits, characterBudget });
    const text = uniqueText('Necesito'); // 17 characters

    const first = await post({ text, target_lang: 'DE' });
    const hits = await Promise.all([1, 2, 3].map(() => post({ text, target_lang: 'DE' })));
    const second = await post({ text: uniqueText('Pedido'), target_lang: 'DE' });
    const refused = await post({ text: uniqueText('Otra'), target_lang: 'DE' });

    expect([first.status, ...hits.map((res) => res.status), second.status]).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(Number(refused.get('Retry-After'))).toBeGreaterThan(0);
  });
});
