import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';

describe('health routes', () => {
  useTestDatabase('health');

  it('when the process is up, then /healthz answers ok', async () => {
    const res = await request(buildTestApp()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('when the database answers, then /readyz is ready', async () => {
    const res = await request(buildTestApp()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', translation: 'off' } });
  });

  it('when the database does not answer, then /readyz is 503 not_ready', async () => {
    const app = buildTestApp({ health: { isDatabaseReachable: async () => false } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toBe('down');
  });

  it('when any page is served, then security headers are set and X-Powered-By is not', async () => {
    const res = await request(buildTestApp()).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('when a page does not exist, then a 404 page is shown', async () => {
    const res = await request(buildTestApp()).get('/no-such-page').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page not found');
  });
});
