import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { builtInTargetLanguages, createTranslationFeature } from '../../src/translation/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from './local-deepl.js';
import { translationApp } from './translation-app.js';

useTestDatabase('languages_routes');

describe('GET /api/languages', () => {
  const deepl = useDeeplServer();

  function appOnDeepl() {
    const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '1000' });
    const { logger } = memoryLogger();
    return buildTestApp({ config, logger, translation: createTranslationFeature({ config, logger }) });
  }

  it('when anyone asks, then DeepL\'s target languages come back by name, fetched once', async () => {
    deepl.targetLanguages.push({ code: 'EN-IE', name: 'English (Irish)' });
    const app = appOnDeepl();

    const res = await request(app).get('/api/languages');
    await request(app).get('/api/languages');
    deepl.targetLanguages.pop();

    expect(res.status).toBe(200);
    expect(res.body.languages).toContainEqual({ code: 'EN-IE', name: 'English (Irish)' });
    expect(res.body.languages).toHaveLength(builtInTargetLanguages.length + 1);
    expect(deepl.requests).toBe(1);
  });

  it('when DeepL is unreachable, then the built-in list comes back', async () => {
    deepl.setFault('456');

    const res = await request(appOnDeepl()).get('/api/languages');

    expect(res.status).toBe(200);
    expect(res.body.languages).toEqual(builtInTargetLanguages.map(({ code, name }) => ({ code, name })));
    expect(deepl.requests).toBe(1);
  });

  it('when translation is off, then the built-in list comes back', async () => {
    const res = await request(buildTestApp()).get('/api/languages');

    expect(res.body.languages).toHaveLength(builtInTargetLanguages.length);
    expect(deepl.requests).toBe(0);
  });

  it('when DeepL lists a language the built-in list lacks, then /translate accepts it once the list is known', async () => {
    deepl.targetLanguages.push({ code: 'EN-IE', name: 'English (Irish)' });
    const { app, post } = await translationApp(deepl);

    const before = await post({ text: 'Hola', target_lang: 'EN-IE' });
    await request(app).get('/api/languages');
    const after = await post({ text: 'Hola', target_lang: 'EN-IE' });
    deepl.targetLanguages.pop();

    expect(before.status).toBe(400);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ response_text: 'Hello' });
  });
});
