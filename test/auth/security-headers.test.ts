import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { createRep, loginAgent } from '../support/auth.js';
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

  it('when the session cookie is set, then it is httpOnly, SameSite=Lax and has a max age', async () => {
    const res = await request(buildTestApp()).get('/auth/customer/login');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('parley.sid='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Expires=/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('when the app runs behind HTTPS (TRUST_PROXY), then the session cookie is Secure', async () => {
    const { testConfig } = await import('../support/app.js');
    const app = buildTestApp({ config: testConfig({ TRUST_PROXY: 'true' }) });
    const res = await request(app).get('/auth/customer/login').set('X-Forwarded-Proto', 'https');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('parley.sid='));
    expect(cookie).toMatch(/; Secure/i);
  });
});
