import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUserService } from '../../src/auth/index.js';
import { buildTestApp, testAuth, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

async function tryLogin(app: ReturnType<typeof buildTestApp>, path: string, username: string, password: string) {
  const agent = request.agent(app);
  const token = await csrfToken(agent, path);
  return agent.post(path).type('form').send({ username, password, _csrf: token });
}

describe('roles and disabled accounts', () => {
  useTestDatabase('auth_roles');

  it('when a rep logs in at the rep login, then they land on the dashboard; at the customer login they are refused', async () => {
    const app = buildTestApp();
    const rep = await createRep();
    const atRep = await tryLogin(app, '/auth/rep/login', rep.username, rep.password);
    expect(atRep.status).toBe(303);
    expect(atRep.headers.location).toBe('/support');
    const atCustomer = await tryLogin(app, '/auth/customer/login', rep.username, rep.password);
    expect(atCustomer.status).toBe(401);
  });

  it('when a customer uses the rep login, then it fails like a wrong password', async () => {
    const app = buildTestApp();
    const customer = await createCustomer();
    const res = await tryLogin(app, '/auth/rep/login', customer.username, customer.password);
    expect(res.status).toBe(401);
    expect(res.text).toContain('do not match an account');
  });

  async function expectSignedOut(agent: Awaited<ReturnType<typeof loginAgent>>) {
    const page = await agent.get('/account');
    expect(page.status).toBe(302);
    expect(page.headers.location).toMatch(/^\/auth\/customer\/login/);
    const api = await agent.get('/account').set('Accept', 'application/json');
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('unauthorized');
  }

  it('when a rep is disabled from another process (the admin CLI), then within the cache time they cannot log in and their open session stops working', async () => {
    const cacheMs = 300;
    const app = buildTestApp({ config: testConfig({ AUTH_CACHE_MS: String(cacheMs) }) });
    const rep = await createRep();
    const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    expect((await agent.get('/account')).status).toBe(200);

    await createUserService({ bcryptCost: testConfig().bcryptCost }).setDisabled('rep', rep.username, true);
    await new Promise((resolve) => setTimeout(resolve, cacheMs + 50));

    await expectSignedOut(agent);
    expect((await tryLogin(app, '/auth/rep/login', rep.username, rep.password)).status).toBe(401);
  });

  it('when the app itself disables a rep, then their open session stops working at once', async () => {
    const config = testConfig({ AUTH_CACHE_MS: '60000' });
    const auth = testAuth(config);
    const app = buildTestApp({ config, auth });
    const rep = await createRep();
    const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    expect((await agent.get('/account')).status).toBe(200);

    await auth.users.setDisabled('rep', rep.username, true);

    await expectSignedOut(agent);
  });

  it('when a disabled rep is enabled again, then they can log in', async () => {
    const app = buildTestApp();
    const rep = await createRep();
    const users = createUserService({ bcryptCost: testConfig().bcryptCost });
    await users.setDisabled('rep', rep.username, true);
    await users.setDisabled('rep', rep.username, false);
    expect((await tryLogin(app, '/auth/rep/login', rep.username, rep.password)).status).toBe(303);
  });

  it('when a customer logs in, then the last login time is recorded', async () => {
    const app = buildTestApp();
    const customer = await createCustomer();
    const users = createUserService({ bcryptCost: testConfig().bcryptCost });
    expect((await users.listUsers('customer')).find((u) => u.id === customer.user.id)?.lastLoginAt).toBeNull();
    await loginAgent(app, { role: 'customer', username: customer.username, password: customer.password });
    expect((await users.listUsers('customer')).find((u) => u.id === customer.user.id)?.lastLoginAt).toBeInstanceOf(Date);
  });
});
