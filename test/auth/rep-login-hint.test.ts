import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testConfig } from '../support/app.js';
import { createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

const COMMAND = 'npm run admin -- rep:create --username NAME --language EN-US';

describe('rep login page before the first rep exists', () => {
  useTestDatabase('auth_rep_hint');

  it('when there is no rep in production, then the rep login page gives no setup hint', async () => {
    const config = testConfig({ NODE_ENV: 'production', SESSION_SECRET: 'production-secret-0123456789abcdef0123' });
    const res = await request(buildTestApp({ config })).get('/auth/rep/login');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('rep:create');
  });

  it('when there is no rep outside production, then the rep login page says how to create one, and the customer login does not', async () => {
    const app = buildTestApp();
    const res = await request(app).get('/auth/rep/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="rep-setup-hint"');
    expect(res.text).toContain(COMMAND);
    expect((await request(app).get('/auth/customer/login')).text).not.toContain('rep:create');
  });

  it('when a rep exists, then the hint is gone', async () => {
    await createRep();
    const res = await request(buildTestApp()).get('/auth/rep/login');
    expect(res.text).not.toContain('rep:create');
  });
});
