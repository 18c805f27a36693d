import { MemoryStore } from 'express-rate-limit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { usernameDelayMs } from '../../src/auth/rate-limits.js';
import { buildTestApp, testAuth, testConfig } from '../support/app.js';
import { createCustomer, csrfToken, extractCsrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

async function loginAttempts(agent: ReturnType<typeof request.agent>, count: number, username: () => string, password: string) {
  const token = await csrfToken(agent, '/auth/customer/login');
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await agent.post('/auth/customer/login').type('form').send({ username: username(), password, _csrf: token });
    statuses.push(res.status);
  }
  return { statuses, token };
}

describe('login and sign-up rate limits', () => {
  useTestDatabase('auth_limits');

  it('when a username fails to log in 10 times from one address, then the 11th attempt from there is 429 with Retry-After and a readable page', async () => {
    const { username, password } = await createCustomer();
    // A generous per-address limit, so only the per-username one can answer 429 here.
    const auth = testAuth(testConfig(), { rateLimits: { loginPerIp: { windowMs: 60_000, limit: 1000 } } });
    const agent = request.agent(buildTestApp({ auth }));
    const { statuses, token } = await loginAttempts(agent, 10, () => username, 'wrong password!');
    expect(statuses).toEqual(Array(10).fill(401));

    const blocked = await agent.post('/auth/customer/login').type('form').set('Accept', 'text/html').send({ username, password, _csrf: token });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('Too many attempts');
    expect(blocked.text).toMatch(/Too many failed login attempts\. Please wait \d+ minutes? and try again\./);
    expect((await agent.get('/account')).status).toBe(302);
  });

  it('when the login limit is reached, then API clients get a JSON 429', async () => {
    const { username } = await createCustomer();
    const agent = request.agent(buildTestApp());
    const { token } = await loginAttempts(agent, 10, () => username, 'wrong password!');
    const blocked = await agent.post('/auth/customer/login').set('Accept', 'application/json').send({ username, password: 'x', _csrf: token });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
  });

  it('when logins succeed, then they do not count towards the limit', async () => {
    const { username, password } = await createCustomer();
    const app = buildTestApp();
    for (let i = 0; i < 12; i += 1) {
      const agent = request.agent(app);
      const token = await csrfToken(agent, '/auth/customer/login');
      const res = await agent.post('/auth/customer/login').type('form').send({ username, password, _csrf: token });
      expect(res.status).toBe(303);
    }
  });

  it('when one address posts more sign-ups than allowed, then it gets 429', async () => {
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent, '/auth/customer/register');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const res = await agent.post('/auth/customer/register').type('form').send({ username: 'x', password: '', confirmPassword: '', language: '', _csrf: token });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('when a rate-limit store factory is given, then every limiter gets its own store from it', async () => {
    const names: string[] = [];
    const auth = testAuth(testConfig(), {
      rateLimits: {
        store: (name) => {
          names.push(name);
          return new MemoryStore();
        },
        loginPerIp: { windowMs: 60_000, limit: 1 },
      },
    });
    expect(names.sort()).toEqual(['login-ip', 'login-username', 'login-username-ip', 'signup-ip']);
    const agent = request.agent(buildTestApp({ auth }));
    const { statuses } = await loginAttempts(agent, 2, () => 'someone', 'wrong password!');
    expect(statuses).toEqual([401, 429]);
  });

  /** An app behind a proxy, so each request can come from an address of its choosing. */
  function proxiedApp(rateLimits = {}) {
    const config = testConfig({ TRUST_PROXY: 'true' });
    // Tiny delays: the test checks who gets in, not how long they wait.
    const loginPerUsername = { windowMs: 60_000, delayAfter: 10, delayMs: 1, maxDelayMs: 5 };
    return buildTestApp({ config, auth: testAuth(config, { rateLimits: { loginPerUsername, ...rateLimits } }) });
  }

  /** One login from an address, with the CSRF cookie sent by hand (it is Secure behind HTTPS). */
  async function loginFrom(app: ReturnType<typeof buildTestApp>, address: string, username: string, password: string) {
    const page = await request(app).get('/auth/customer/login').set('X-Forwarded-For', address).set('X-Forwarded-Proto', 'https');
    const cookie = (page.headers['set-cookie'] as unknown as string[]).map((line) => line.split(';')[0]).join('; ');
    return request(app)
      .post('/auth/customer/login')
      .set('X-Forwarded-For', address)
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookie)
      .type('form')
      .send({ username, password, _csrf: extractCsrfToken(page.text) });
  }

  it('when eleven addresses each fail once for a username, then the real user still logs in from a new address', async () => {
    const { username, password } = await createCustomer();
    const app = proxiedApp();
    for (let i = 1; i <= 11; i += 1) expect((await loginFrom(app, `10.0.0.${i}`, username, 'wrong password!')).status).toBe(401);
    expect((await loginFrom(app, '10.0.1.1', username, password)).status).toBe(303);
  });

  it('when one address fails 10 times for a username, then it is refused there while other addresses still log in', async () => {
    const { username, password } = await createCustomer();
    const app = proxiedApp({ loginPerIp: { windowMs: 60_000, limit: 1000 } });
    for (let i = 0; i < 10; i += 1) expect((await loginFrom(app, '10.0.2.1', username, 'wrong password!')).status).toBe(401);
    expect((await loginFrom(app, '10.0.2.1', username, password)).status).toBe(429);
    expect((await loginFrom(app, '10.0.2.2', username, password)).status).toBe(303);
  });

  it('when a username keeps failing from anywhere, then each further attempt waits longer, up to a short cap, and is never refused', () => {
    const settings = { windowMs: 15 * 60_000, delayAfter: 10, delayMs: 500, maxDelayMs: 5_000 };
    const delays = [1, 10, 11, 12, 13, 14, 15, 50].map((used) => usernameDelayMs(used, settings));
    expect(delays).toEqual([0, 0, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
