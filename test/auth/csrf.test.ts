import mongoose from 'mongoose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UserModel } from '../../src/auth/user.model.js';
import { buildTestApp } from '../support/app.js';
import { createCustomer, csrfToken, extractCsrfToken, loginAgent, uniqueUsername } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

const PASSWORD = 'a very good password';

describe('CSRF protection', () => {
  useTestDatabase('auth_csrf');

  for (const [label, token] of [
    ['missing', undefined],
    ['wrong', 'f'.repeat(64)],
  ] as const) {
    it(`when the CSRF token is ${label}, then sign-up is 403 and no account is created`, async () => {
      const agent = request.agent(buildTestApp());
      await csrfToken(agent, '/auth/customer/register');
      const username = uniqueUsername('csrf');
      const res = await agent
        .post('/auth/customer/register')
        .type('form')
        .set('Accept', 'text/html')
        .send({ username, password: PASSWORD, confirmPassword: PASSWORD, language: 'ES', ...(token ? { _csrf: token } : {}) });
      expect(res.status).toBe(403);
      expect(res.text).toContain('Your form expired');
      expect(await UserModel.countDocuments({ usernameKey: username.toLowerCase() })).toBe(0);
    });
  }

  it('when a user logs in, then the new session already holds its CSRF token, so pages opened at once agree', async () => {
    const app = buildTestApp();
    const { user, username, password } = await createCustomer();
    await loginAgent(app, { role: 'customer', username, password });
    const stored = await mongoose.connection.collection<{ session: string | Record<string, unknown> }>('sessions').find({}).toArray();
    const sessions = stored.map((doc) => (typeof doc.session === 'string' ? JSON.parse(doc.session) : doc.session) as {
      passport?: { user?: string };
      csrfToken?: unknown;
    });
    const mine = sessions.filter((session) => session.passport?.user === user.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.csrfToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when logout is posted without a token, then it is 403 and the user stays logged in', async () => {
    const app = buildTestApp();
    const { username, password } = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', username, password });
    const res = await agent.post('/auth/logout').set('Accept', 'application/json');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_invalid');
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('when a token from another session is sent, then login is 403 and nobody is logged in', async () => {
    const app = buildTestApp();
    const { username, password } = await createCustomer();
    const otherToken = await csrfToken(request.agent(app), '/auth/customer/login');
    const agent = request.agent(app);
    await csrfToken(agent, '/auth/customer/login');
    const res = await agent.post('/auth/customer/login').type('form').send({ username, password, _csrf: otherToken });
    expect(res.status).toBe(403);
    expect((await agent.get('/account')).status).toBe(302);
  });

  it('when the token is sent in the x-csrf-token header, then the request is accepted', async () => {
    const app = buildTestApp();
    const { username, password } = await createCustomer();
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/auth/customer/login');
    const res = await agent.post('/auth/customer/login').set('x-csrf-token', token).send({ username, password });
    expect(res.status).toBe(303);
    expect((await agent.get('/account')).status).toBe(200);
  });

  for (const path of ['/no-such-page', '/auth/customer/login', '/auth/rep/login', '/auth/customer/register']) {
    it(`when anonymous visitors GET ${path} 200 times, then no session is stored`, async () => {
      const app = buildTestApp();
      const before = await mongoose.connection.collection('sessions').countDocuments();
      for (let i = 0; i < 200; i += 1) {
        const res = await request(app).get(path).set('Accept', 'text/html');
        expect(res.text).toMatch(/<meta name="csrf-token" content="[^"]+">/);
      }
      expect(await mongoose.connection.collection('sessions').countDocuments()).toBe(before);
    });
  }

  for (const [label, token] of [
    ['missing', undefined],
    ['wrong', 'f'.repeat(64)],
  ] as const) {
    it(`when a visitor's login carries a ${label} token, then it is 403 and nobody is logged in`, async () => {
      const app = buildTestApp();
      const { username, password } = await createCustomer();
      const agent = request.agent(app);
      const real = await csrfToken(agent, '/auth/customer/login');
      const res = await agent
        .post('/auth/customer/login')
        .type('form')
        .send({ username, password, ...(token ? { _csrf: token } : {}) });
      expect(res.status).toBe(403);
      expect((await agent.get('/account')).status).toBe(302);
      // The page's own token (matching its cookie) works.
      expect((await agent.post('/auth/customer/login').type('form').send({ username, password, _csrf: real })).status).toBe(303);
    });
  }

  it('when a visitor sends the page token without its cookie, then login is 403', async () => {
    const app = buildTestApp();
    const { username, password } = await createCustomer();
    const page = await request(app).get('/auth/customer/login');
    const token = extractCsrfToken(page.text);
    const res = await request(app).post('/auth/customer/login').type('form').send({ username, password, _csrf: token });
    expect(res.status).toBe(403);
  });

  it('when a logged-in user sends a visitor token instead of the session token, then it is 403', async () => {
    const app = buildTestApp();
    const { username, password } = await createCustomer();
    const agent = await loginAgent(app, { role: 'customer', username, password });
    const visitorToken = await csrfToken(request.agent(app), '/auth/customer/login');
    const res = await agent.post('/auth/logout').type('form').set('Accept', 'application/json').send({ _csrf: visitorToken });
    expect(res.status).toBe(403);
    expect((await agent.get('/account')).status).toBe(200);
  });
});
