import type { Express } from 'express';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { searchPostings } from '../../src/search/index.js';
import { searchTerms } from '../../src/lib/search-terms.js';
import type { SearchResults } from '../../src/search/index.js';
import { startConversation } from '../realtime/socket-harness.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { dictionaryKey } from '../support/deepl-server.js';
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('search');
const deepl = useDeeplServer();

let app: Express;
beforeAll(() => {
  app = composeTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', DEEPL_TIMEOUT_MS: '2000' }) }).app;
});

const search = async (agent: TestAgent, q: string) =>
  (await agent.get('/api/search').query({ q }).set('Accept', 'application/json')).body as SearchResults;

/** A Spanish customer wrote to a rep who joined (EN-US): the message is translated on write for the rep. */
async function spanishConversation(body: string, english: string) {
  deepl.translations.set(dictionaryKey(body, 'EN-US'), english);
  const [customer, rep] = await Promise.all([createCustomer({ language: 'ES', username: `lucia_${Date.now()}` }), createRep({ language: 'EN-US' })]);
  const id = await startConversation(app, customer);
  const repAgent = await loginAgent(app, { role: 'rep', ...rep });
  await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) });
  const customerAgent = await loginAgent(app, { role: 'customer', ...customer });
  const sent = await customerAgent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', await csrfToken(customerAgent)).send({ clientId: `c-${crypto.randomUUID()}`, body });
  expect(sent.status).toBe(201);
  const messageId = sent.body.message.id as string;
  // Indexing follows the sender's answer: wait for the original's first word.
  await vi.waitFor(async () => expect((await searchPostings().findById(searchTerms(body)[0]).lean())?.ids).toContain(messageId), { timeout: 5_000 });
  return { id, customer, customerAgent, repAgent, messageId };
}

describe('search: reps find conversations by customer and by words, in the original or the translation', () => {
  it('when a Spanish customer wrote about a parcel, then the rep finds it by the English word they read and by the Spanish original, opened at the message', async () => {
    const chat = await spanishConversation('Mi paquete llegó roto', 'My parcel arrived broken');
    // The translation on write for the rep also makes the message findable in English.
    await vi.waitFor(async () => expect((await searchPostings().findById('parcel').lean())?.ids).toContain(chat.messageId), { timeout: 5_000 });

    const english = await search(chat.repAgent, 'Parcel broken');
    const spanish = await search(chat.repAgent, 'PAQUETE');
    for (const results of [english, spanish]) {
      expect(results.messages.map((hit) => [hit.conversationId, hit.message?.id, hit.href])).toContainEqual([chat.id, chat.messageId, `/conversations/${chat.id}#message-${chat.messageId}`]);
    }
    expect((await search(chat.repAgent, 'llego')).messages.map((hit) => hit.conversationId)).toContain(chat.id);
    const page = await chat.repAgent.get(`/conversations/${chat.id}`);
    expect(page.text).toContain(`id="message-${chat.messageId}"`);
  });

  it('when a rep searches a customer\'s name, then the conversation is found; the page works without scripts and escapes what it shows', async () => {
    const chat = await spanishConversation('¿Hola? <b>hola</b>', 'Hello? <b>hello</b>');
    const byName = await search(chat.repAgent, chat.customer.username.toUpperCase());
    expect(byName.customers.map((hit) => hit.conversationId)).toContain(chat.id);
    const page = await chat.repAgent.get('/search').query({ q: 'hola' });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/conversations/${chat.id}#message-${chat.messageId}"`);
    expect(page.text).toContain('&lt;b&gt;hola&lt;/b&gt;');
    const nothing = await chat.repAgent.get('/search').query({ q: 'zzqx' });
    expect(nothing.text).toContain('Nothing found');
  });

  it('when a customer tries to search, then the page and the API refuse them', async () => {
    const chat = await spanishConversation('Necesito una factura', 'I need an invoice');
    expect((await chat.customerAgent.get('/api/search').query({ q: 'factura' }).set('Accept', 'application/json')).status).toBe(403);
    expect((await chat.customerAgent.get('/search').query({ q: 'factura' })).status).toBe(403);
  });

  it('when words differ only in case and accents, then they are the same search term', () => {
    expect(searchTerms('¡Llegó el PAQUETE, señor!')).toEqual(['llego', 'el', 'paquete', 'senor']);
  });
});
