import { expect } from 'vitest';
import { createTranslationFeature } from '../../src/translation/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import type { DeeplServer } from '../support/deepl-server.js';

/**
 * The whole app translating through the local DeepL; a Spanish customer (unless `customerLanguage`)
 * and an EN-US rep logged in through the forms, and the customer's new conversation.
 */
export async function openChatPages(deepl: DeeplServer, env: NodeJS.ProcessEnv = {}, customerLanguage = 'ES') {
  const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '2000', ...env });
  const translation = createTranslationFeature({ config, logger: memoryLogger().logger });
  const app = buildTestApp({ config, translation });
  const customer = await createCustomer({ language: customerLanguage });
  const rep = await createRep({ language: 'EN-US' });
  const customerAgent = await loginAgent(app, { role: 'customer', ...customer });
  const repAgent = await loginAgent(app, { role: 'rep', ...rep });
  const customerToken = await csrfToken(customerAgent, '/conversations');
  const repToken = await csrfToken(repAgent, '/support');
  const started = await customerAgent.post('/conversations').type('form').send({ _csrf: customerToken });
  const id = String(started.headers.location).split('/').pop() ?? '';
  let sent = 0;
  const send = async (agent: TestAgent, token: string, body: string) => {
    sent += 1;
    const res = await agent.post(`/conversations/${id}/messages`).type('form').send({ _csrf: token, clientId: `page-${sent}-${Date.now()}`, body });
    expect(res.status).toBe(303);
  };
  return {
    id,
    config,
    translation,
    customer,
    customerAgent,
    repAgent,
    customerToken,
    repToken,
    send: { customer: (body: string) => send(customerAgent, customerToken, body), rep: (body: string) => send(repAgent, repToken, body) },
  };
}
