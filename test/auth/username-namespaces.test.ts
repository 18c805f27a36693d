import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UserModel } from '../../src/auth/user.model.js';
import { buildTestApp } from '../support/app.js';
import { createCustomer, createRep, csrfToken, uniqueUsername } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

const PASSWORD = 'a very good password';

async function signUp(app: ReturnType<typeof buildTestApp>, username: string) {
  const agent = request.agent(app);
  const token = await csrfToken(agent, '/auth/customer/register');
  return agent
    .post('/auth/customer/register')
    .type('form')
    .send({ username, password: PASSWORD, confirmPassword: PASSWORD, language: 'ES', _csrf: token });
}

async function login(app: ReturnType<typeof buildTestApp>, path: string, username: string, password: string) {
  const agent = request.agent(app);
  const token = await csrfToken(agent, path);
  return (await agent.post(path).type('form').send({ username, password, _csrf: token })).status;
}

describe('usernames are unique per role', () => {
  useTestDatabase('auth_namespaces');

  // First in the file: the old index is dropped the first time an account is created.
  it('when the database still has the old global username index, then a customer may still take a rep name', async () => {
    await UserModel.collection.createIndex({ usernameKey: 1 }, { unique: true, name: 'usernameKey_1' });
    const rep = await createRep();
    const customer = await createCustomer({ username: rep.username });
    expect(customer.user.role).toBe('customer');
    const names = (await UserModel.collection.listIndexes().toArray()).map((index) => String(index.name));
    expect(names).not.toContain('usernameKey_1');
  });

  it('when a customer signs up with a rep username, then it is accepted, so sign-up never confirms a rep name', async () => {
    const app = buildTestApp();
    const rep = await createRep({ username: uniqueUsername('Support') });
    const res = await signUp(app, rep.username.toUpperCase());
    expect(res.status).toBe(303);
    expect(res.text).not.toContain('already taken');
    expect(await UserModel.countDocuments({ usernameKey: rep.username.toLowerCase() })).toBe(2);
  });

  it('when a rep and a customer share a name, then each logs in at their own login with their own password only', async () => {
    const app = buildTestApp();
    const rep = await createRep({ username: uniqueUsername('shared') });
    const customer = await createCustomer({ username: rep.username, password: 'the customer password' });
    expect(await login(app, '/auth/rep/login', rep.username, rep.password)).toBe(303);
    expect(await login(app, '/auth/customer/login', customer.username, customer.password)).toBe(303);
    expect(await login(app, '/auth/rep/login', rep.username, customer.password)).toBe(401);
    expect(await login(app, '/auth/customer/login', customer.username, rep.password)).toBe(401);
  });

  it('when a customer name is taken by another customer, then sign-up still says so', async () => {
    const app = buildTestApp();
    const existing = await createCustomer();
    const res = await signUp(app, existing.username);
    expect(res.status).toBe(409);
    expect(res.text).toContain('already taken');
  });
});
