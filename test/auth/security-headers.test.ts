import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { createRep, extractCsrfToken, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

function expectSecurityHeaders(res: request.Response): void {
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBeTruthy();
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe('security headers on the account pages', () => {
  useTestDatabase('auth_headers');

  it('when any account page or error is served, then it carries the CSP and no X-Powered-By', async () => {
    const app = buildTestApp();
    for (const path of ['/auth/customer/register', '/auth/customer/login', '/auth/rep/login', '/account', '/no-such-page']) {
      expectSecurityHeaders(await request(app).get(path).set('Accept', 'text/html'));
    }
    const rep = await createRep();
    const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    expectSecurityHeaders(await agent.get('/account'));
  });

  /** The Set-Cookie lines of a login's answer (a session is stored only once someone logs in). */
  async function loginCookies(app: ReturnType<typeof buildTestApp>, https = false): Promise<string[]> {
    const rep = await createRep();
    const proto = https ? 'https' : 'http';
    const page = await request(app).get('/auth/rep/login').set('X-Forwarded-Proto', proto);
    // Sent by hand: the test client would keep a Secure cookie off a plain-HTTP connection.
    const cookies = (page.headers['set-cookie'] as unknown as string[]).map((line) => line.split(';')[0]).join('; ');
    const res = await request(app)
      .post('/auth/rep/login')
      .set('X-Forwarded-Proto', proto)
      .set('Cookie', cookies)
      .type('form')
      .send({ username: rep.username, password: rep.password, _csrf: extractCsrfToken(page.text) });
    expect(res.status).toBe(303);
    return res.headers['set-cookie'] as unknown as string[];
  }

  it('when the session cookie is set at login, then it is httpOnly, SameSite=Lax and has a max age', async () => {
    const cookie = (await loginCookies(buildTestApp())).find((c) => c.startsWith('parley.sid='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Expires=/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('when the app runs behind HTTPS (TRUST_PROXY), then the session cookie is Secure', async () => {
    const { testConfig } = await import('../support/app.js');
    const app = buildTestApp({ config: testConfig({ TRUST_PROXY: 'true' }) });
    const cookie = (await loginCookies(app, true)).find((c) => c.startsWith('parley.sid='));
    expect(cookie).toMatch(/; Secure/i);
  });

  it('when a visitor opens a form page, then its CSRF cookie is httpOnly and SameSite=Lax, and Secure with __Host- behind HTTPS', async () => {
    const { testConfig } = await import('../support/app.js');
    const plain = await request(buildTestApp()).get('/auth/customer/login');
    const cookie = (plain.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('parley.csrf='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const app = buildTestApp({ config: testConfig({ TRUST_PROXY: 'true' }) });
    const https = await request(app).get('/auth/customer/login').set('X-Forwarded-Proto', 'https');
    const secure = (https.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-parley.csrf='));
    expect(secure).toMatch(/; Secure/i);
    expect(secure).toMatch(/Path=\//i);
  });
});
