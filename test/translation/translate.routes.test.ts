import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { translationApp, uniqueText } from './translation-app.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translate_routes');

describe('POST /translate', () => {
  const deepl = useDeeplServer();
  let context: Awaited<ReturnType<typeof translationApp>>;

  beforeAll(async () => {
    context = await translationApp(deepl);
  });

  it('when the seed\'s shape is posted, then the translation comes back as response_text', async () => {
    const { post } = context;

    const res = await post({ text: 'Necesito ayuda con mi pedido', target_lang: 'EN-US' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response_text: 'I need help with my order' });
  });

  it('when a batch is posted, then translations come back in order with their source languages', async () => {
    const { post } = context;

    const res = await post({ texts: ['Hola', 'Good morning', ''], target_lang: 'es' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      translations: [
        { text: 'Hola', detected_source_lang: 'ES' },
        { text: 'Buenos días', detected_source_lang: 'EN' },
        { text: '', detected_source_lang: null },
      ],
    });
  });

  it('when the author\'s language is the reader\'s base language, then the text comes back as is without DeepL', async () => {
    const { post } = context;

    const res = await post({ texts: ['Colour', 'Favour'], target_lang: 'EN-GB', source_lang: 'EN-US' });

    expect(res.body.translations).toEqual([
      { text: 'Colour', detected_source_lang: 'EN' },
      { text: 'Favour', detected_source_lang: 'EN' },
    ]);
    expect(deepl.requests).toBe(0);
  });

  it('when the same texts are asked for again, then the memory answers and DeepL is not called', async () => {
    const { post } = context;
    const texts = [uniqueText('Hola'), uniqueText('Gracias')];
    const first = await post({ texts, target_lang: 'DE', source_lang: 'ES' });
    deepl.resetCounts();

    const again = await post({ texts, target_lang: 'DE', source_lang: 'ES' });
    const single = await post({ text: texts[1], target_lang: 'DE', source_lang: 'ES' });

    expect(again.body).toEqual(first.body);
    expect(single.body).toEqual({ response_text: `[DE] ${texts[1]}` });
    expect(deepl.requests).toBe(0);
  });

  it('when 20 identical requests arrive at once, then DeepL is called once', async () => {
    const { post } = context;
    const text = uniqueText('Mi pedido');

    const responses = await Promise.all(Array.from({ length: 20 }, () => post({ text, target_lang: 'EN-US' })));

    expect(responses.map((res) => res.body.response_text)).toEqual(Array(20).fill(`[EN] ${text}`));
    expect(deepl.translateRequests).toBe(1);
  });

  it('when nobody is logged in, then it is 401', async () => {
    const { app } = context;
    const anonymous = request.agent(app);
    const token = await csrfToken(anonymous, '/auth/customer/login');

    const res = await anonymous
      .post('/translate')
      .set('x-csrf-token', token)
      .send({ text: 'Hola', target_lang: 'EN-US' });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(deepl.requests).toBe(0);
  });

  it('when a request carries no session at all, then it is 401 and nothing is translated', async () => {
    const { app } = context;

    const res = await request(app).post('/translate').send({ text: 'Hola', target_lang: 'EN-US' });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(deepl.requests).toBe(0);
  });

  it('when the CSRF token is missing, then it is 403', async () => {
    const { agent } = context;

    const res = await agent.post('/translate').send({ text: 'Hola', target_lang: 'EN-US' });

    expect(res.status).toBe(403);
    expect(deepl.requests).toBe(0);
  });

  it('when 120 texts are sent, then it is 400', async () => {
    const { post } = context;

    const res = await post({ texts: Array.from({ length: 120 }, (_, index) => `text ${index}`), target_lang: 'DE' });

    expect(res.status).toBe(400);
    expect(res.body.error.fields.texts).toMatch(/at most 100/i);
    expect(deepl.requests).toBe(0);
  });

  it('when one text has 101 KiB, then it is refused with a message', async () => {
    const { post } = context;

    const res = await post({ text: 'a'.repeat(101 * 1024), target_lang: 'DE' });

    expect([400, 413]).toContain(res.status);
    expect(res.body.error.message).toBeTruthy();
    expect(deepl.requests).toBe(0);
  });

  it('when the body is larger than 128 KiB, then it is 413', async () => {
    const { post } = context;

    const res = await post({ texts: Array.from({ length: 30 }, () => 'b'.repeat(4_900)), target_lang: 'DE' });

    expect(res.status).toBe(413);
  });

  it.each([
    ['an unsupported target', { text: 'Hola', target_lang: 'XX' }, 'target_lang'],
    ['a deprecated target without variant', { text: 'Hola', target_lang: 'EN' }, 'target_lang'],
    ['no target', { text: 'Hola' }, 'target_lang'],
    ['a number as text', { text: 42, target_lang: 'DE' }, 'text'],
    ['an object as a text', { texts: [{ $gt: '' }], target_lang: 'DE' }, 'texts'],
    ['an unknown source language', { text: 'Hola', target_lang: 'DE', source_lang: 'QQ' }, 'source_lang'],
  ])('when %s is sent, then it is 400 naming the field', async (_label, body, field) => {
    const { post } = context;

    const res = await post(body);

    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty(field);
    expect(deepl.requests).toBe(0);
  });
});
