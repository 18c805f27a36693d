import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { requireRole, requireUser, resolveSessionSecret } from '../../src/auth/index.js';
import { errorMiddleware } from '../../src/lib/error-middleware.js';
import { viewsDir } from '../../src/lib/paths.js';
import { testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

/** A small app of another feature's shape: the real session, login and CSRF, and guarded routes. */
function guardedApp() {
  const auth = testAuth();
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.use(auth.sessionMiddleware, express.urlencoded({ extended: false }), express.json(), ...auth.pageMiddleware, auth.routes);
  app.get('/api/me', requireUser(), (req, res) => res.json(req.user));
  app.get('/support', requireRole('rep'), (req, res) => res.send(`dashboard of ${req.user?.username}`));
  app.get('/translate', requireUser(), (_req, res) => res.send('ok'));
  app.use(errorMiddleware({ exposeInternals: false }));
  return app;
}

describe('route guards', () => {
  useTestDatabase('auth_guards');

  it('when an anonymous browser opens a rep page, then it is sent to the rep login with a next path', async () => {
    const res = await request(guardedApp()).get('/support?tab=open');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/auth/rep/login?next=%2Fsupport%3Ftab%3Dopen');
  });

  it('when an anonymous client calls an API, then it gets a 401 JSON error', async () => {
    const app = guardedApp();
    for (const path of ['/api/me', '/translate']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('when a customer opens a rep-only page, then it is 403', async () => {
    const app = guardedApp();
    const customer = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', username: customer.username, password: customer.password });
    expect((await agent.get('/support').set('Accept', 'text/html')).status).toBe(403);
    const me = await agent.get('/api/me');
    expect(me.body).toEqual({ id: customer.user.id, username: customer.username, role: 'customer', language: 'ES' });
  });

  it('when a rep opens a rep-only page, then it is served', async () => {
    const app = guardedApp();
    const rep = await createRep();
    const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    const res = await agent.get('/support');
    expect(res.status).toBe(200);
    expect(res.text).toBe(`dashboard of ${rep.username}`);
  });
});

describe('session secret', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-secret-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when no SESSION_SECRET is set in development, then one is generated once and kept with mode 600', () => {
    const config = testConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const first = resolveSessionSecret(config);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveSessionSecret(config)).toBe(first);
    const file = join(dataDir, 'session-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('when SESSION_SECRET is set, then it is used', () => {
    const secret = 's'.repeat(40);
    expect(resolveSessionSecret(testConfig({ SESSION_SECRET: secret, DATA_DIR: dataDir }))).toBe(secret);
  });
});
