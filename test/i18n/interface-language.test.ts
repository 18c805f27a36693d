import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { TranslationMemoryModel } from '../../src/translation/translation-memory.model.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('interface_language');

describe('the interface in the reader\'s language', () => {
  const deepl = useDeeplServer();
  const appWithDeepl = () => buildTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k' }) });

  async function chatPageOf(app: ReturnType<typeof buildTestApp>, language: string) {
    const agent = await loginAgent(app, { role: 'customer', ...(await createCustomer({ language })) });
    const started = await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent, '/conversations') });
    const path = started.headers.location ?? '';
    return { agent, path, page: await agent.get(path) };
  }

  it('when a German customer opens the chat page, then its labels, buttons and errors are the German catalog\'s', async () => {
    const app = buildTestApp();
    const { agent, path, page } = await chatPageOf(app, 'DE');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="de"');
    expect(page.text).toContain('Ihre Nachricht</label>');
    expect(page.text).toContain('>Senden</button>');
    expect(page.text).toContain('Bis zu 1600 Zeichen.');
    expect(page.text).toContain('Gespräch schließen');
    expect(page.text).not.toContain('>Send</button>');
    // The browser's messages ("Show original", sending states) travel with the page, escaped.
    expect(page.text).toContain('&#34;showOriginal&#34;:&#34;Original anzeigen ({language})&#34;');
    expect(page.text).not.toContain('data-part="machine-translated-interface"');

    const empty = await agent.post(`${path}/messages`).type('form').send({ _csrf: await csrfToken(agent, path), body: '   ', clientId: 'i18n-empty-0001' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Schreiben Sie zuerst eine Nachricht.');

    const missing = await agent.get('/conversations/0123456789abcdef01234567').set('Accept', 'text/html');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Seite nicht gefunden');
    expect(missing.text).toContain('Dieses Gespräch haben wir nicht gefunden.');
    const json = await agent.get('/api/conversations/0123456789abcdef01234567/messages');
    expect(json.status).toBe(404);
    expect(json.body.error.message).toBe('Dieses Gespräch haben wir nicht gefunden.');
  });

  it('when an English customer opens the chat page, then it reads as before', async () => {
    const { page } = await chatPageOf(buildTestApp(), 'EN-GB');
    expect(page.text).toContain('<html lang="en"');
    expect(page.text).toContain('Your message</label>');
    expect(page.text).toContain('>Send</button>');
  });

  it('when a Danish customer opens the chat page, then it is machine-translated once (one DeepL request), marked so, and the next views are memory hits', async () => {
    const app = appWithDeepl();
    const { agent, path, page } = await chatPageOf(app, 'DA');
    expect(page.status).toBe(200);
    const catalogCalls = deepl.translateLog.filter((call) => call.targetLang === 'DA' && call.tagHandling === 'xml');
    expect(catalogCalls).toHaveLength(1);
    expect(catalogCalls[0]?.text).toHaveLength(1);
    expect(page.text).toContain('<html lang="da"');
    expect(page.text).toContain('[DA] Your message</label>');
    expect(page.text).toContain('>[DA] Send</button>');
    // The placeholder survived the translation and was filled.
    expect(page.text).toContain('[DA] Up to 1600[DA]  characters.');
    expect(page.text).toContain('data-part="machine-translated-interface"');

    const requests = deepl.translateRequests;
    expect((await agent.get(path)).text).toContain('>[DA] Send</button>');
    // Another process (a new app on the same database) finds the catalog in the translation memory.
    const other = await chatPageOf(appWithDeepl(), 'DA');
    expect(other.page.text).toContain('>[DA] Send</button>');
    expect(deepl.translateRequests).toBe(requests);
    expect(await TranslationMemoryModel.countDocuments({ target: 'DA' })).toBe(1);
  });

  it('when DeepL is down, then a Norwegian customer reads the English interface, unmarked', async () => {
    deepl.setFault('500');
    const app = buildTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k' }) });
    const { page } = await chatPageOf(app, 'NB');
    expect(page.status).toBe(200);
    expect(page.text).toContain('>Send</button>');
    expect(page.text).not.toContain('data-part="machine-translated-interface"');
  });

  it('when a rep whose language is German opens the dashboard, then its chrome is German', async () => {
    const app = buildTestApp();
    const rep = await loginAgent(app, { role: 'rep', ...(await createRep({ language: 'DE' })) });
    const dashboard = await rep.get('/support');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('<title>Support-Übersicht · Parley</title>');
    expect(dashboard.text).toContain('>Gespräche</h1>');
    expect(dashboard.text).toContain('&#34;rowJoin&#34;:&#34;Beitreten&#34;');
  });

  it('when a browser sends Accept-Language: es-ES, then the sign-up form preselects Spanish and speaks Spanish', async () => {
    const res = await request(buildTestApp()).get('/auth/customer/register').set('Accept-Language', 'es-ES,es;q=0.9,en;q=0.5');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<option value="ES" selected>Spanish<\/option>/);
    expect(res.text).toContain('Crea tu cuenta');
    const plain = await request(buildTestApp()).get('/auth/customer/register');
    expect(plain.text).not.toMatch(/<option value="[^"]+" selected>/);
    expect(plain.text).toContain('Create your account');
  });
});
