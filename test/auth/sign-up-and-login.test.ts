import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UserModel } from '../../src/auth/user.model.js';
import { buildTestApp, memoryLogger } from '../support/app.js';
import { createCustomer, csrfToken, extractCsrfToken, loginAgent, uniqueUsername } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

const PASSWORD = 'a very good password';

function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('parley.sid='))?.split(';')[0];
}

describe('customer sign-up and login', () => {
  useTestDatabase('auth_flow');

  it('when a customer signs up, logs in, views their account and logs out, then the account page sends them to log in', async () => {
    const log = memoryLogger('trace');
    const app = buildTestApp({ logger: log.logger });
    const username = uniqueUsername('Maria');
    const signUp = request.agent(app);
    const token = await csrfToken(signUp, '/auth/customer/register');
    const registered = await signUp
      .post('/auth/customer/register')
      .type('form')
      .send({ username, password: PASSWORD, confirmPassword: PASSWORD, language: 'ES', _csrf: token });
    expect(registered.status).toBe(303);
    expect(registered.headers.location).toBe('/conversations');

    const agent = await loginAgent(app, { role: 'customer', username, password: PASSWORD });
    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain(`data-testid="account-username">${username}<`);
    expect(account.text).toContain('Customer');
    expect(account.text).toContain('Spanish (ES)');

    const logout = await agent.post('/auth/logout').type('form').send({ _csrf: extractCsrfToken(account.text) });
    expect(logout.status).toBe(303);
    const after = await agent.get('/account');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/auth/customer/login?next=%2Faccount');
    expect(log.lines().length).toBeGreaterThan(0);
    expect(log.lines().join('\n')).not.toContain(PASSWORD);
    const stored = await UserModel.findOne({ usernameKey: username.toLowerCase() }).select('+passwordHash').lean();
    expect(stored?.passwordHash).toMatch(/^\$2b\$04\$/);
    expect(stored?.username).toBe(username);
  });

  it('when a username differs from an existing one only in case, then sign-up is refused with a message on the username field', async () => {
    const { username } = await createCustomer({ username: uniqueUsername('carla') });
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent);
    const res = await agent
      .post('/auth/customer/register')
      .type('form')
      .send({ username: username.toUpperCase(), password: PASSWORD, confirmPassword: PASSWORD, language: 'DE', _csrf: token });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/id="username-error"[^>]*>That username is already taken/);
    expect(res.text).toContain(`value="${username.toUpperCase()}"`);
    expect(res.text).not.toContain(PASSWORD);
    expect(await UserModel.countDocuments({ usernameKey: username.toLowerCase() })).toBe(1);
  });

  it('when the sign-up form is invalid, then each field says what is wrong, typed values stay and the password does not', async () => {
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent);
    const res = await agent
      .post('/auth/customer/register')
      .type('form')
      .send({ username: 'a b', password: 'short', confirmPassword: 'short', language: 'XX', _csrf: token });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="username-error"[^>]*>Use only letters/);
    expect(res.text).toMatch(/id="password-error"[^>]*>Use at least 10 characters/);
    expect(res.text).toMatch(/id="language-error"[^>]*>Choose one of the listed languages/);
    expect(res.text).toMatch(/aria-describedby="password-hint password-error"/);
    expect(res.text).toContain('10+ characters, at most 72 bytes');
    expect(res.text).toContain('value="a b"');
    expect(res.text).not.toContain('value="short"');
  });

  it('when the confirmation differs from the password, then the confirmation field says so and no account is made', async () => {
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent, '/auth/customer/register');
    const username = uniqueUsername('typo');
    const res = await agent
      .post('/auth/customer/register')
      .type('form')
      .send({ username, password: PASSWORD, confirmPassword: `${PASSWORD}!`, language: 'IT', _csrf: token });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="confirmPassword-error"[^>]*>The two passwords are not the same/);
    expect(res.text).toMatch(/<option value="IT" selected>Italian<\/option>/);
    expect(await UserModel.countDocuments({ usernameKey: username.toLowerCase() })).toBe(0);
  });

  it('when a password is longer than 72 bytes, then sign-up is refused on the password field', async () => {
    const agent = request.agent(buildTestApp());
    const long = 'é'.repeat(40);
    const token = await csrfToken(agent);
    const res = await agent
      .post('/auth/customer/register')
      .type('form')
      .send({ username: uniqueUsername('long'), password: long, confirmPassword: long, language: 'FR', _csrf: token });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="password-error"[^>]*>Use at most 72 bytes/);
  });

  it('when the user is unknown or the password is wrong, then the answers are identical', async () => {
    const { username } = await createCustomer({ username: uniqueUsername('known') });
    const unknown = uniqueUsername('known');
    const attempt = async (name: string) => {
      const agent = request.agent(buildTestApp());
      const token = await csrfToken(agent, '/auth/customer/login');
      const res = await agent.post('/auth/customer/login').type('form').send({ username: name, password: 'not the password', _csrf: token });
      return { status: res.status, cookie: Boolean(sessionCookie(res)), body: res.text.replaceAll(token, 'TOKEN').replaceAll(name, 'NAME') };
    };
    const wrongPassword = await attempt(username);
    const unknownUser = await attempt(unknown);
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser).toEqual(wrongPassword);
  });

  it('when login data are objects instead of strings, then the answer is 400 and nobody is logged in', async () => {
    await createCustomer();
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent, '/auth/customer/login');
    const res = await agent
      .post('/auth/customer/login')
      .set('x-csrf-token', token)
      .send({ username: { $gt: '' }, password: { $gt: '' } });
    expect(res.status).toBe(400);
    const account = await agent.get('/account');
    expect(account.status).toBe(302);
  });

  it('when someone with a session cookie logs in, then the session cookie value changes', async () => {
    const { username, password } = await createCustomer();
    const app = buildTestApp();
    const agent = await loginAgent(app, { role: 'customer', username, password });
    const page = await agent.get('/auth/customer/login');
    const before = agent.jar.getCookie('parley.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
    expect(before).toBeTruthy();
    const res = await agent
      .post('/auth/customer/login')
      .type('form')
      .send({ username, password, _csrf: extractCsrfToken(page.text) });
    expect(res.status).toBe(303);
    const after = sessionCookie(res);
    expect(after).toBeTruthy();
    expect(after).not.toBe(`parley.sid=${before}`);
  });

  it('when a login page carries a next path, then login returns there, and never to another site', async () => {
    const { username, password } = await createCustomer();
    for (const [next, expected] of [
      ['/account', '/account'],
      ['//evil.example/x', '/conversations'],
      ['https://evil.example/', '/conversations'],
    ] as const) {
      const agent = request.agent(buildTestApp());
      const token = await csrfToken(agent, `/auth/customer/login?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/auth/customer/login').type('form').send({ username, password, next, _csrf: token });
      expect(res.headers.location).toBe(expected);
    }
  });
});
