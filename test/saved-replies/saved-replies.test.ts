import type { Express } from 'express';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { dictionaryKey } from '../support/deepl-server.js';
import { useDeeplServer } from '../translation/local-deepl.js';
import { startConversation } from '../realtime/socket-harness.js';

useTestDatabase('saved_replies');
const deepl = useDeeplServer();

let app: Express;
beforeAll(() => {
  app = composeTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', DEEPL_TIMEOUT_MS: '2000' }) }).app;
});

const repAgent = async (language = 'EN-US') => {
  const rep = await createRep({ language });
  return { rep, agent: await loginAgent(app, { role: 'rep', ...rep }) };
};

async function addReply(agent: TestAgent, fields: Record<string, string | boolean>) {
  return agent.post('/saved-replies').set('Accept', 'application/json').set('x-csrf-token', await csrfToken(agent)).send(fields);
}

const listed = async (agent: TestAgent, query = '') =>
  (await agent.get(`/api/saved-replies${query}`).set('Accept', 'application/json')).body.replies as { id: string; name: string; text: string; mine: boolean }[];

describe('saved replies: a rep\'s short answers', () => {
  it('when a German rep opens the saved replies and search pages, then they are in German', async () => {
    const { agent } = await repAgent('DE');
    const page = await agent.get('/saved-replies');
    expect(page.text).toContain('<title>Gespeicherte Antworten');
    expect(page.text).toContain('Noch keine gespeicherten Antworten.');
    expect(page.text).toContain('Antwort speichern');
    expect(page.text).not.toContain('Save reply');
    const search = await agent.get('/search');
    expect(search.text).toContain('Unterhaltungen durchsuchen');
  });

  it('when a rep adds, edits and removes a reply with the forms, then each step redirects and the list follows; a bad one re-renders with the field\'s message', async () => {
    const { agent } = await repAgent();
    const csrf = await csrfToken(agent);
    const created = await agent.post('/saved-replies').type('form').send({ _csrf: csrf, name: 'Greeting', body: 'Hello {{customer.name}}!', shared: 'on' });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/saved-replies');
    const page = await agent.get('/saved-replies');
    expect(page.text).toContain('/greeting');
    expect(page.text).toContain('Shared');

    const bad = await agent.post('/saved-replies').type('form').send({ _csrf: csrf, name: 'two words', body: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Use letters, digits, - and _ only (no spaces).');
    expect(bad.text).toContain('Write the reply.');
    expect(bad.text).toContain('value="two words"');
    const taken = await agent.post('/saved-replies').type('form').send({ _csrf: csrf, name: 'greeting', body: 'Again' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('That name is taken');

    const [reply] = await listed(agent);
    const edited = await agent.post(`/saved-replies/${reply!.id}`).type('form').send({ _csrf: csrf, name: 'hello', body: 'Hi there' });
    expect(edited.status).toBe(303);
    expect((await listed(agent)).map((r) => [r.name, r.text])).toEqual([['hello', 'Hi there']]);
    const removed = await agent.post(`/saved-replies/${reply!.id}/delete`).type('form').send({ _csrf: csrf });
    expect(removed.status).toBe(303);
    expect(await listed(agent)).toEqual([]);
  });

  it('when one rep keeps a shared and a private reply, then another rep lists only the shared one and cannot change or remove it', async () => {
    const owner = await repAgent();
    const other = await repAgent();
    expect((await addReply(owner.agent, { name: 'shared-one', body: 'For everyone', shared: true })).status).toBe(201);
    expect((await addReply(owner.agent, { name: 'mine-only', body: 'Just me' })).status).toBe(201);

    const seen = await listed(other.agent);
    const shared = seen.find((reply) => reply.name === 'shared-one');
    expect(shared).toMatchObject({ mine: false });
    expect(seen.some((reply) => reply.name === 'mine-only')).toBe(false);
    const csrf = await csrfToken(other.agent);
    expect((await other.agent.post(`/saved-replies/${shared!.id}`).type('form').send({ _csrf: csrf, name: 'x', body: 'taken over' })).status).toBe(404);
    expect((await other.agent.post(`/saved-replies/${shared!.id}/delete`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await listed(owner.agent)).map((reply) => reply.name).sort()).toEqual(['mine-only', 'shared-one']);
  });

  it('when the composer asks with a conversation and a prefix, then it gets the matching replies with the customer\'s name filled in', async () => {
    const { agent } = await repAgent();
    const customer = await createCustomer({ username: `rosa_${Date.now()}` });
    const id = await startConversation(app, customer);
    await addReply(agent, { name: 'welcome', body: 'Welcome, {{customer.name}}! I am {{rep.name}}.' });
    await addReply(agent, { name: 'bye', body: 'Goodbye' });

    const replies = await listed(agent, `?conversationId=${id}&q=we`);
    expect(replies.map((reply) => reply.name)).toEqual(['welcome']);
    expect(replies[0]?.text).toMatch(new RegExp(`^Welcome, ${customer.username}! I am rep_`));
  });

  it('when a customer asks for saved replies, then every route refuses them', async () => {
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', ...customer });
    expect((await agent.get('/api/saved-replies').set('Accept', 'application/json')).status).toBe(403);
    expect((await agent.get('/saved-replies')).status).toBe(403);
    expect((await agent.post('/saved-replies').type('form').send({ _csrf: await csrfToken(agent), name: 'x', body: 'y' })).status).toBe(403);
  });

  it('when a reply written in English goes to two Spanish customers, then both read it in Spanish and the second copy costs DeepL nothing', async () => {
    const text = 'Thanks for waiting, your order is on its way';
    const spanish = 'Gracias por esperar, su pedido está en camino';
    deepl.translations.set(dictionaryKey(text, 'ES'), spanish);
    const { agent } = await repAgent('EN-US');
    await addReply(agent, { name: 'on-its-way', body: text, shared: true });

    const readings: string[] = [];
    for (const round of [1, 2]) {
      const customer = await createCustomer({ language: 'ES' });
      const id = await startConversation(app, customer);
      const [reply] = await listed(agent, `?conversationId=${id}&q=on-its`);
      const sent = await agent.post(`/api/conversations/${id}/messages`).set('x-csrf-token', await csrfToken(agent)).send({ clientId: `reply-${round}-${Date.now()}`, body: reply!.text });
      expect(sent.status).toBe(201);
      if (round === 1) await vi.waitFor(() => expect(deepl.translateRequests).toBe(1));
      const customerAgent = await loginAgent(app, { role: 'customer', ...customer });
      const read = await customerAgent.post('/translate').set('x-csrf-token', await csrfToken(customerAgent))
        .send({ texts: [sent.body.message.body], source_lang: 'EN', target_lang: 'ES' });
      readings.push(read.body.translations[0].text);
    }
    expect(readings).toEqual([spanish, spanish]);
    expect(deepl.translateRequests).toBe(1);
  });
});
