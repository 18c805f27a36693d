import request from 'supertest';
import type { Express } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { addSite, frameCall } from './widget-support.js';

useTestDatabase('widget_refusal_language');

let app: Express;
beforeAll(() => {
  app = buildTestApp();
});

describe('the chat panel’s refusals, in the visitor’s language', () => {
  it('when a Spanish visitor’s panel is refused a session for an unknown site, then the refusal is in Spanish', async () => {
    const site = await addSite();
    const refused = await frameCall(app, '/widget/api/session', { key: 'ps_AAAAAAAAAAAAAAAA', origin: site.origin }).send({ language: 'ES' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('El chat no está activado en este sitio web.');
  });

  it('when a Spanish visitor asks for another language than theirs, then the panel reads why in Spanish (their language, not the browser’s)', async () => {
    const site = await addSite();
    const { token } = (await frameCall(app, '/widget/api/session', site).send({ language: 'ES' })).body as { token: string };
    const refused = await frameCall(app, '/widget/api/translate', site, { token }).set('Accept-Language', 'de').send({ texts: ['Hello'], target_lang: 'DE' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('El chat solo traduce a tu propio idioma.');
    expect(refused.body.error.fields.target_lang).toBe('No es tu idioma.');
  });

  it('when a French browser frames the chat for an unknown site, then the error page is in French', async () => {
    const page = await request(app).get('/widget/frame?site=ps_AAAAAAAAAAAAAAAA').set('Accept', 'text/html').set('Accept-Language', 'fr-FR');
    expect(page.status).toBe(404);
    expect(page.text).toContain('<html lang="fr"');
    expect(page.text).toContain('Le chat n’est pas activé sur ce site web.');
  });
});
