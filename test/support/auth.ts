/**
 * Accounts in tests. API (all against the file's own database: call useTestDatabase() first):
 *
 *   createRep({ username?, password?, language? })      → { user: User, username, password }
 *   createCustomer({ username?, password?, language? }) → same, role 'customer'
 *   loginAgent(app, { role, username, password })        → supertest agent with a logged-in session
 *   csrfToken(agent, pagePath = '/')                     → the CSRF token, read from the page's
 *                                                          <meta name="csrf-token"> (send it as header
 *                                                          `x-csrf-token` or form field `_csrf`): the
 *                                                          session's when logged in, else the one
 *                                                          matching the visitor's CSRF cookie
 *   extractCsrfToken(html)                               → the token in a page already fetched
 *
 * Defaults: a unique username, password 'correct horse battery', language 'EN-US' for reps and
 * 'ES' for customers. Hashing uses bcrypt cost 4 (the test config's BCRYPT_COST).
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createUserService, type Role, type User } from '../../src/auth/index.js';
import { testConfig } from './app.js';

export const DEFAULT_PASSWORD = 'correct horse battery';

export interface TestAccountInput {
  username?: string;
  password?: string;
  language?: string;
}

export interface TestAccount {
  user: User;
  username: string;
  password: string;
}

export type TestAgent = ReturnType<typeof request.agent>;

export function uniqueUsername(prefix = 'user'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

async function createAccount(role: Role, input: TestAccountInput, fallbackLanguage: string): Promise<TestAccount> {
  const users = createUserService({ bcryptCost: testConfig().bcryptCost });
  const username = input.username ?? uniqueUsername(role);
  const password = input.password ?? DEFAULT_PASSWORD;
  const user = await users.createUser(role, { username, password, language: input.language ?? fallbackLanguage });
  return { user, username, password };
}

export function createRep(input: TestAccountInput = {}): Promise<TestAccount> {
  return createAccount('rep', input, 'EN-US');
}

export function createCustomer(input: TestAccountInput = {}): Promise<TestAccount> {
  return createAccount('customer', input, 'ES');
}

export function extractCsrfToken(html: string): string {
  const match =
    html.match(/<meta name="csrf-token" content="([^"]+)">/) ?? html.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('No CSRF token in the page');
  return match[1];
}

/** The agent's CSRF token, from a page it can see (the agent keeps the cookie it belongs to). */
export async function csrfToken(agent: TestAgent, pagePath = '/'): Promise<string> {
  const res = await agent.get(pagePath).set('Accept', 'text/html');
  if (res.status !== 200) throw new Error(`GET ${pagePath} answered ${res.status}, expected a page`);
  return extractCsrfToken(res.text);
}

/** A supertest agent logged in through the real login form of that role. */
export async function loginAgent(
  app: Express,
  credentials: { role: Role; username: string; password: string },
): Promise<TestAgent> {
  const agent = request.agent(app);
  const loginPath = `/auth/${credentials.role}/login`;
  const token = await csrfToken(agent, loginPath);
  const res = await agent
    .post(loginPath)
    .type('form')
    .send({ username: credentials.username, password: credentials.password, _csrf: token });
  if (res.status !== 303) throw new Error(`Login as ${credentials.username} answered ${res.status}, expected 303`);
  return agent;
}
