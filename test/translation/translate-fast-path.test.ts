import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { translationApp, uniqueText } from './translation-app.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translate_fast_path');

/** Log lines of requests to /translate, as the request logger (or the fast path, for errors) writes them. */
const requestLines = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as { level: number; req?: { url?: string }; res?: { statusCode?: number } }).filter((line) => line.req?.url === '/translate');

describe('POST /translate ahead of the page stack', () => {
  const deepl = useDeeplServer();
  let context: Awaited<ReturnType<typeof translationApp>>;

  beforeAll(async () => {
    context = await translationApp(deepl, { limits: { requestsPerWindow: 8, charactersPerWindow: 100_000, windowMs: 60_000 } });
  });

  it('when a signed-in reader sends the CSRF header, then the answer is the same as through the page stack, with its security headers and no log line', async () => {
    const { agent, post, lines } = context;
    const text = uniqueText('Necesito ayuda');
    const before = requestLines(lines()).length;

    const fast = await post({ text, target_lang: 'EN-US' });
    const fastLines = requestLines(lines()).length - before;
    const token = fast.request.getHeader('x-csrf-token') as string;
    const paged = await agent.post('/translate').set('Accept', 'application/json').send({ text, target_lang: 'EN-US', _csrf: token });

    expect(fast.status).toBe(200);
    expect(fast.body).toEqual({ response_text: `[EN] ${text}` });
    expect(paged.body).toEqual(fast.body);
    expect(fastLines).toBe(0);
    expect(requestLines(lines()).length - before).toBe(1);
    for (const header of ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options', 'x-frame-options']) {
      expect(fast.headers[header]).toBe(paged.headers[header]);
    }
    expect(fast.headers['x-request-id']).toBeTruthy();
  });

  it('when the CSRF header is not the session\'s, then it is 403 and nothing is translated', async () => {
    const { agent } = context;
    deepl.resetCounts();

    const res = await agent.post('/translate').set('x-csrf-token', 'not-the-token').send({ text: uniqueText('Hola'), target_lang: 'EN-US' });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_invalid');
    expect(deepl.requests).toBe(0);
  });

  it('when a signed-in reader\'s body is not valid, then it is 400 naming the field, logged as a warning', async () => {
    const { post, lines } = context;
    const before = requestLines(lines()).length;

    const res = await post({ text: 'Hola', target_lang: 'QQ' });
    const invalidJson = await post('{"text": ').set('content-type', 'application/json');

    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('target_lang');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.error.code).toBe('validation_failed');
    await expect.poll(() => requestLines(lines()).slice(before).map((line) => [line.level, line.res?.statusCode])).toEqual([
      [40, 400],
      [40, 400],
    ]);
  });

  it('when the reader\'s request limit is spent on the fast path, then the page stack refuses them too', async () => {
    const { agent, post } = context;
    const token = (await post({ text: 'Hola', target_lang: 'ES' })).request.getHeader('x-csrf-token') as string;
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) statuses.push((await post({ text: 'Hola', target_lang: 'ES' })).status);

    const paged = await agent.post('/translate').set('Accept', 'application/json').send({ text: 'Hola', target_lang: 'ES', _csrf: token });

    expect(statuses.at(-1)).toBe(429);
    expect(paged.status).toBe(429);
    expect(paged.headers['retry-after']).toBeTruthy();
  });
});
