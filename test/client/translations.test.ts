import { afterEach, describe, expect, it, vi } from 'vitest';
import { TranslationRetry, Translations, untranslatedNote, type PostBatch, type Translation } from '../../client/chat/translations.js';

type Body = Parameters<PostBatch>[0];

function recordingPost(answer: (body: Body) => Awaited<ReturnType<PostBatch>>) {
  const bodies: Body[] = [];
  const post: PostBatch = async (body) => {
    bodies.push(body);
    return answer(body);
  };
  return { post, bodies };
}

const translateAll = (body: Body) => ({ translations: body.texts.map((text) => ({ text: `EN:${text}`, detected_source_lang: 'ES' })) });

afterEach(() => {
  vi.useRealTimers();
});

describe('Translations (the browser side of POST /translate)', () => {
  it('when a page holds texts in several languages, then one request carries only those not in the reader language', async () => {
    const { post, bodies } = recordingPost(translateAll);
    const results = await new Translations('EN-US', post).translate([
      { key: 'a', text: 'Hola', language: 'ES' },
      { key: 'b', text: 'Hello', language: 'EN-GB' },
      { key: 'c', text: 'Gracias', language: 'ES' },
    ]);

    expect(bodies).toEqual([{ texts: ['Hola', 'Gracias'], target_lang: 'EN-US', source_lang: 'ES' }]);
    expect([...results.keys()]).toEqual(['a', 'c']);
    expect(results.get('a')).toEqual({ text: 'EN:Hola', sourceLanguage: 'ES', untranslated: false });
  });

  it('when the texts come from different languages, then no source_lang is sent and DeepL detects it', async () => {
    const { post, bodies } = recordingPost(translateAll);
    await new Translations('EN-US', post).translate([
      { key: 'a', text: 'Hola', language: 'ES' },
      { key: 'b', text: 'Bonjour', language: 'FR' },
    ]);

    expect(bodies).toEqual([{ texts: ['Hola', 'Bonjour'], target_lang: 'EN-US' }]);
  });

  it('when everything is already in the reader language, then no request is made', async () => {
    const { post, bodies } = recordingPost(translateAll);
    const results = await new Translations('ES', post).translate([{ key: 'a', text: 'Hola', language: 'ES-419' }]);

    expect(bodies).toEqual([]);
    expect(results.size).toBe(0);
  });

  it('when the request fails or the server marks a text untranslated, then the original is kept and marked', async () => {
    const failing = new Translations('EN-US', async () => {
      throw new Error('503');
    });
    const marked = new Translations('EN-US', async () => ({ translations: [{ text: 'Hola', detected_source_lang: null, untranslated: true }] }));

    expect((await failing.translate([{ key: 'a', text: 'Hola', language: 'ES' }])).get('a')).toEqual({ text: 'Hola', sourceLanguage: 'ES', untranslated: true });
    expect((await marked.translate([{ key: 'a', text: 'Hola', language: 'ES' }])).get('a')).toEqual({ text: 'Hola', sourceLanguage: 'ES', untranslated: true });
  });

  it('when texts stayed untranslated, then they are asked for again together, later, until translated', async () => {
    vi.useFakeTimers();
    let available = false;
    const { post, bodies } = recordingPost((body) =>
      available ? translateAll(body) : { translations: body.texts.map((text) => ({ text, untranslated: true })) },
    );
    const delivered: string[] = [];
    const retry = new TranslationRetry(new Translations('EN-US', post), (results) => {
      for (const [key, result] of results) if (!result.untranslated) delivered.push(`${key}=${result.text}`);
    }, 1_000);
    retry.add({ key: 'a', text: 'Hola', language: 'ES' });
    retry.add({ key: 'b', text: 'Gracias', language: 'ES' });

    await vi.advanceTimersByTimeAsync(1_000);
    expect(bodies).toHaveLength(1);
    expect(delivered).toEqual([]);
    available = true;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(bodies).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(bodies.map((body) => body.texts)).toEqual([['Hola', 'Gracias'], ['Hola', 'Gracias']]);
    expect(delivered).toEqual(['a=EN:Hola', 'b=EN:Gracias']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(bodies).toHaveLength(2);
  });

  it('when the server says translation is off, then texts are marked off and never asked for again', async () => {
    vi.useFakeTimers();
    const { post, bodies } = recordingPost((body) => ({
      translations: body.texts.map((text) => ({ text, detected_source_lang: null, untranslated: true, untranslated_reason: 'off' })),
    }));
    const translations = new Translations('EN-US', post);
    const retry = new TranslationRetry(translations, () => undefined, 1_000);

    const results = await translations.translate([{ key: 'a', text: 'Hola', language: 'ES' }]);
    expect(results.get('a')).toEqual({ text: 'Hola', sourceLanguage: 'ES', untranslated: true, off: true });
    expect(translations.off).toBe(true);
    retry.add({ key: 'a', text: 'Hola', language: 'ES' });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(bodies).toHaveLength(1);
  });

  it('when a retried text comes back off, then retrying stops', async () => {
    vi.useFakeTimers();
    let off = false;
    const { post, bodies } = recordingPost((body) => ({
      translations: body.texts.map((text) => ({ text, untranslated: true, ...(off ? { untranslated_reason: 'off' } : {}) })),
    }));
    const retry = new TranslationRetry(new Translations('EN-US', post), () => undefined, 1_000);
    retry.add({ key: 'a', text: 'Hola', language: 'ES' });
    off = true;
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(bodies).toHaveLength(1);
  });
});

describe('the mark under an untranslated message', () => {
  const outage: Translation = { text: 'Hola', sourceLanguage: 'ES', untranslated: true };
  const off: Translation = { ...outage, off: true };

  it('when translation is off and a rep reads, then it says how to turn it on and does not promise a retry', () => {
    const note = untranslatedNote(off, 'rep', 'Spanish');
    expect(note.text).toContain('translation is off');
    expect(note.text).toContain('DEEPL_AUTH_KEY');
    expect(note.text).not.toMatch(/retrying|unavailable/i);
  });

  it('when translation is off and a customer reads, then the mark is a neutral "not translated"', () => {
    const note = untranslatedNote(off, 'customer', 'English');
    expect(note).toEqual({ text: 'Not translated (English).', tone: 'neutral' });
  });

  it('when DeepL is failing, then the mark still says unavailable and retrying', () => {
    expect(untranslatedNote(outage, 'rep', 'Spanish').text).toBe('Translation unavailable: showing the original (Spanish). Retrying…');
    expect(untranslatedNote(outage, 'customer', 'English').tone).toBe('warning');
  });
});

describe('Translations with what a live event carried', () => {
  it('when a message event carried the reader\'s translation, then it is used and only the others are asked for', async () => {
    const { post, bodies } = recordingPost(translateAll);
    const results = await new Translations('EN-US', post).translate([
      { key: 'a', text: 'Hola', language: 'ES', carried: { 'EN-US': { text: 'Hello', detectedSourceLang: 'ES' } } },
      { key: 'b', text: 'Gracias', language: 'ES', carried: { DE: { text: 'Danke', detectedSourceLang: 'ES' } } },
    ]);

    expect(bodies).toEqual([{ texts: ['Gracias'], target_lang: 'EN-US', source_lang: 'ES' }]);
    expect(results.get('a')).toEqual({ text: 'Hello', sourceLanguage: 'ES', untranslated: false });
    expect(results.get('b')).toEqual({ text: 'EN:Gracias', sourceLanguage: 'ES', untranslated: false });
  });

  it('when every message carried the reader\'s translation, then no request is made', async () => {
    const { post, bodies } = recordingPost(translateAll);
    await new Translations('EN-US', post).translate([{ key: 'a', text: 'Hola', language: 'ES', carried: { 'EN-US': { text: 'Hello', detectedSourceLang: null } } }]);

    expect(bodies).toEqual([]);
  });
});
