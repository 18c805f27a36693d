import { createHmac } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { isIdentityHash, siteService } from '../../src/widget/index.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { createRep, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { addSite, APP_HOST, frameCall, signedId } from './widget-support.js';

useTestDatabase('widget_api');

interface SessionAnswer {
  token: string;
  visitor: { id: string; name: string; language: string };
  conversation: { id: string } | null;
}

let app: Express;
beforeAll(() => {
  app = buildTestApp();
});

describe('the chat frame and the widget API', () => {
  it('when a registered site frames the chat, then only its origin may frame it; unknown sites and other pages keep frame-ancestors none', async () => {
    const site = await addSite();
    const frame = await request(app).get(`/widget/frame?site=${site.key}`).set('Host', APP_HOST);
    expect(frame.status).toBe(200);
    expect(frame.headers['content-security-policy']).toContain(`frame-ancestors ${site.origin}`);
    expect(frame.headers['content-security-policy']).not.toContain("frame-ancestors 'none'");
    expect(frame.headers['content-security-policy']).toContain("script-src 'self'");
    expect(frame.headers['x-frame-options']).toBeUndefined();

    const unknown = await request(app).get('/widget/frame?site=ps_AAAAAAAAAAAAAAAA').set('Accept', 'text/html');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const login = await request(app).get('/auth/customer/login');
    expect(login.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(login.headers['content-security-policy']).not.toContain(site.origin);
  });

  it('when a Spanish visitor opens the panel, then its chrome and its script catalog are Spanish; a chosen language wins over the browser', async () => {
    const site = await addSite();
    const spanish = await request(app).get(`/widget/frame?site=${site.key}`).set('Host', APP_HOST).set('Accept-Language', 'es-ES,es;q=0.9');
    expect(spanish.status).toBe(200);
    expect(spanish.text).toContain('<html lang="es"');
    expect(spanish.text).toContain('Chatea con soporte');
    expect(spanish.text).not.toContain('Chat with support');
    expect(spanish.text).toContain('data-ui-language="ES"');
    // The start form's labels come from the page's client catalog (client/lib/i18n.ts).
    expect(spanish.text).toContain('Empezar a chatear');
    expect(spanish.text).toContain('Tu idioma');

    const chosen = await request(app).get(`/widget/frame?site=${site.key}&lang=de`).set('Host', APP_HOST).set('Accept-Language', 'es-ES');
    expect(chosen.text).toContain('Chat mit dem Support');
    const english = await request(app).get(`/widget/frame?site=${site.key}&lang=nonsense`).set('Host', APP_HOST);
    expect(english.status).toBe(200);
    expect(english.text).toContain('Chat with support');
    expect(english.text).toContain('<html lang="en"');
  });

  it('when widget.js is fetched, then other sites may load it as a script', async () => {
    const res = await request(app).get('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('when an API call comes from another origin, names an unregistered site or the wrong host page, then it is refused', async () => {
    const site = await addSite();
    const other = await addSite();
    const body = { language: 'ES' };
    expect((await frameCall(app, '/widget/api/session', site, { origin: 'https://evil.example' }).send(body)).status).toBe(403);
    expect((await frameCall(app, '/widget/api/session', site, { origin: site.origin }).send(body)).status).toBe(403);
    expect((await frameCall(app, '/widget/api/session', site, { host: 'https://evil.example' }).send(body)).status).toBe(403);
    expect((await frameCall(app, '/widget/api/session', { key: 'ps_AAAAAAAAAAAAAAAA', origin: site.origin }).send(body)).status).toBe(403);

    const opened = await frameCall(app, '/widget/api/session', site).send(body);
    expect(opened.status).toBe(200);
    const { token } = opened.body as SessionAnswer;
    // The token is the site's alone: named with another site, or from another origin, it opens nothing.
    expect((await frameCall(app, '/widget/api/conversation', other, { token }).send(body)).status).toBe(403);
    expect((await frameCall(app, '/widget/api/conversation', site, { token, origin: site.origin }).send(body)).status).toBe(403);
    expect((await frameCall(app, '/widget/api/conversation', site).send(body)).status).toBe(403);
  });

  it('when a visitor starts chatting and comes back with their token, then they find the same conversation, with site and page recorded for reps', async () => {
    const site = await addSite();
    const opened = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as SessionAnswer;
    expect(opened.conversation).toBeNull();
    expect(opened.visitor.language).toBe('ES');
    const started = await frameCall(app, '/widget/api/conversation', site, { token: opened.token })
      .send({ name: 'Lucía', email: '', language: 'ES', pageUrl: `${site.origin}/products/42?color=red#reviews` });
    expect(started.status).toBe(200);
    const conversationId = (started.body as { conversation: { id: string } }).conversation.id;
    const stored = await Conversation.findById(conversationId).lean();
    expect(stored?.channel).toBe('web');
    expect(stored?.customer).toMatchObject({ username: 'Lucía', language: 'ES' });

    const again = (await frameCall(app, '/widget/api/session', site).send({ token: opened.token, language: 'DE' })).body as SessionAnswer;
    expect(again.token).toBe(opened.token);
    expect(again.conversation?.id).toBe(conversationId);
    expect(again.visitor.language).toBe('ES');

    const rep = await createRep();
    const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    const page = await agent.get(`/conversations/${conversationId}`);
    expect(page.text).toContain(`From the chat widget on <strong>${site.origin}</strong>`);
    expect(page.text).toContain(`${site.origin}/products/42?color=red<`);
  });

  it('when the visitor changes their language in the panel, then their conversation is read in the new one', async () => {
    const site = await addSite();
    const { token } = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as SessionAnswer;
    const started = await frameCall(app, '/widget/api/conversation', site, { token }).send({ language: 'ES' });
    const changed = await frameCall(app, '/widget/api/language', site, { token }).send({ language: 'FR' });
    expect(changed.status).toBe(200);
    const id = (started.body as { conversation: { id: string } }).conversation.id;
    expect((await Conversation.findById(id).lean())?.customer.language).toBe('FR');
    expect((await frameCall(app, '/widget/api/language', site, { token }).send({ language: 'XX' })).status).toBe(400);
  });

  it('when a visitor asks for translations, then only into their own language, and within a budget of characters per address', async () => {
    const site = await addSite();
    const { token } = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as SessionAnswer;
    const own = await frameCall(app, '/widget/api/translate', site, { token }).send({ texts: ['Hello'], target_lang: 'ES' });
    expect(own.status).toBe(200);
    expect((own.body as { translations: unknown[] }).translations).toHaveLength(1);
    expect((await frameCall(app, '/widget/api/translate', site, { token }).send({ texts: ['Hello'], target_lang: 'DE' })).status).toBe(400);
    expect((await frameCall(app, '/widget/api/translate', site).send({ texts: ['Hello'], target_lang: 'ES' })).status).toBe(403);
    // A fresh visitor each time does not help: the address's budget is shared.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const visitor = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as SessionAnswer;
      const texts = Array.from({ length: 30 }, (_, k) => `${'x'.repeat(990)} ${i}-${k}`);
      statuses.push((await frameCall(app, '/widget/api/translate', site, { token: visitor.token }).send({ texts, target_lang: 'ES' })).status);
    }
    expect(statuses).toEqual([200, 429]);
  });

  it('when a removed site\'s visitor comes back, then the frame and the API refuse them', async () => {
    const site = await addSite();
    const { token } = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as SessionAnswer;
    await siteService.remove(site.key);
    expect((await frameCall(app, '/widget/api/conversation', site, { token }).send({ language: 'ES' })).status).toBe(403);
    expect((await request(app).get(`/widget/frame?site=${site.key}`)).status).toBe(404);
  });
});

describe('identity verification', () => {
  it('when the site signs its user id, then every device of that user joins the same conversation', async () => {
    const site = await addSite();
    const identity = signedId(site, 'customer-1234');
    const phone = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES', identity })).body as SessionAnswer;
    const started = await frameCall(app, '/widget/api/conversation', site, { token: phone.token }).send({ language: 'ES' });
    const laptop = await frameCall(app, '/widget/api/session', site).send({ language: 'EN-US', identity });
    expect(laptop.status).toBe(200);
    const answer = laptop.body as SessionAnswer;
    expect(answer.token).not.toBe(phone.token);
    expect(answer.visitor.id).toBe(phone.visitor.id);
    expect(answer.conversation?.id).toBe((started.body as { conversation: { id: string } }).conversation.id);
  });

  it('when the id is unsigned, signed wrongly or signed with another site\'s secret, then the session is refused', async () => {
    const site = await addSite();
    const other = await addSite();
    const good = signedId(site, 'customer-1234');
    const refusals = [
      { id: 'customer-1234' },
      { id: 'customer-1234', hash: good.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
      { id: 'customer-9999', hash: good.hash },
      signedId(other, 'customer-1234'),
      { id: 'customer-1234', hash: 'not-hex' },
    ];
    for (const identity of refusals) {
      const res = await frameCall(app, '/widget/api/session', site).send({ language: 'ES', identity });
      expect(res.status, JSON.stringify(identity)).toBe(403);
    }
  });

  it('when a signed-in customer\'s token comes back without their signed id, then it does not reach their conversations', async () => {
    const site = await addSite();
    const signedIn = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES', identity: signedId(site, 'customer-77') })).body as SessionAnswer;
    await frameCall(app, '/widget/api/conversation', site, { token: signedIn.token }).send({ language: 'ES' });
    const afterSignOut = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES', token: signedIn.token })).body as SessionAnswer;
    expect(afterSignOut.visitor.id).not.toBe(signedIn.visitor.id);
    expect(afterSignOut.token).not.toBe(signedIn.token);
    expect(afterSignOut.conversation).toBeNull();
  });

  it('when hashes are compared, then only the exact HMAC-SHA256 of the id with the secret passes', () => {
    const secret = 'a'.repeat(64);
    const hash = createHmac('sha256', secret).update('user-1').digest('hex');
    expect(isIdentityHash(secret, 'user-1', hash)).toBe(true);
    expect(isIdentityHash(secret, 'user-1', hash.toUpperCase())).toBe(true);
    expect(isIdentityHash(secret, 'user-2', hash)).toBe(false);
    expect(isIdentityHash(secret, 'user-1', hash.slice(0, 62))).toBe(false);
  });
});

describe('the demo page', () => {
  it('when the app runs in development, then /widget/demo shows the widget for a registered own origin; elsewhere it does not exist', async () => {
    const development = buildTestApp({ config: testConfig({ NODE_ENV: 'development' }) });
    const unregistered = await request(development).get('/widget/demo').set('Host', 'demo.test');
    expect(unregistered.status).toBe(200);
    expect(unregistered.text).toContain('npm run admin -- site:add --origin http://demo.test');
    const site = await siteService.add('http://demo.test');
    const registered = await request(development).get('/widget/demo').set('Host', 'demo.test');
    expect(registered.text).toContain(`<script src="/widget.js" data-parley-site="${site.key}" async></script>`);
    expect((await request(app).get('/widget/demo').set('Accept', 'text/html')).status).toBe(404);
  });
});
