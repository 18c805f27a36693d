import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { composeApplication } from '../../src/composition.js';
import { createApp } from '../../src/app.js';
import { isDatabaseReachable } from '../../src/lib/database.js';
import { createTranslationFeature } from '../../src/translation/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('deepl_key_check');

interface LogLine {
  level: number;
  msg: string;
  variable?: string;
}
const parsed = (lines: string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

describe('a DeepL key that DeepL refuses', () => {
  const deepl = useDeeplServer({ authKey: 'the-right-key' });
  const configWithKey = (key: string) => testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: key, LOG_LEVEL: 'info' });

  it('when the server starts with a refused key, then it logs an error naming DEEPL_AUTH_KEY, never the key', async () => {
    const log = memoryLogger();
    const composition = composeApplication(configWithKey('a-wrong-key'), log.logger);
    await expect.poll(() => composition.deps.health.translation?.()).toBe('key_refused');

    const errors = parsed(log.lines()).filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.variable).toBe('DEEPL_AUTH_KEY');
    expect(errors[0]?.msg).toContain('DeepL refused DEEPL_AUTH_KEY (403)');
    expect(log.lines().join('\n')).not.toContain('a-wrong-key');
  });

  it('when the key is refused, then /readyz shows translation key_refused and stays ready', async () => {
    const log = memoryLogger();
    const composition = composeApplication(configWithKey('a-wrong-key'), log.logger);
    await expect.poll(() => composition.deps.health.translation?.()).toBe('key_refused');
    const res = await request(createApp(composition.deps)).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', translation: 'key_refused' } });
  });

  it('when the key is accepted, then /readyz shows translation up', async () => {
    const config = configWithKey('the-right-key');
    const translation = createTranslationFeature({ config, logger: memoryLogger().logger });
    expect(await translation.languages.check()).toBe('up');
    const app = buildTestApp({ config, translation, health: { isDatabaseReachable, translation: () => translation.languages.status() } });
    const res = await request(app).get('/readyz');
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', translation: 'up' } });
  });

  it('when DeepL fails otherwise, then translation is unavailable, with a warning and no error', async () => {
    deepl.setFault('500');
    const log = memoryLogger();
    const translation = createTranslationFeature({ config: configWithKey('the-right-key'), logger: log.logger });
    expect(await translation.languages.check()).toBe('unavailable');
    expect(parsed(log.lines()).filter((line) => line.level >= 50)).toEqual([]);
  });

  it('when no translator is configured, then translation is off without asking anyone', async () => {
    const translation = createTranslationFeature({ config: testConfig(), logger: memoryLogger().logger });
    expect(translation.languages.status()).toBe('off');
    expect(await translation.languages.check()).toBe('off');
  });
});
