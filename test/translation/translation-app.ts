import { createTranslationFeature, type TranslationFeatureOptions } from '../../src/translation/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import type { DeeplServer } from '../support/deepl-server.js';

/**
 * The whole app with translation pointed at the local DeepL (placeholder key, as the server
 * does with DEEPL_SERVER_URL alone), and a logged-in customer with their CSRF token.
 */
export async function translationApp(
  deepl: DeeplServer,
  options: Partial<Omit<TranslationFeatureOptions, 'config' | 'logger'>> = {},
) {
  const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '1000' });
  const { logger, lines } = memoryLogger('debug');
  const translation = createTranslationFeature({ config, logger, ...options });
  const app = buildTestApp({ config, logger, translation });
  const { username, password } = await createCustomer();
  const agent = await loginAgent(app, { role: 'customer', username, password });
  const token = await csrfToken(agent, '/account');
  const post = (body: unknown, as: TestAgent = agent) =>
    as.post('/translate').set('x-csrf-token', token).set('Accept', 'application/json').send(body as object);
  return { app, agent, post, lines };
}

export const uniqueText = (label: string): string => `${label} ${Math.random().toString(36).slice(2, 10)}`;
