import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Server } from 'node:http';
import { MemoryStore, type SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { buildTestApp, testAuth, testConfig } from '../support/app.js';
import { createCustomer, extractCsrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

interface Answer {
  status: number;
  cookies: string;
  body: Promise<string>;
}

/** One request; resolves as soon as the headers arrive, as a browser follows a redirect. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      const ended = new Promise<string>((finish) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish(Buffer.concat(chunks).toString()));
      });
      const cookies = (res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ');
      done({ status: res.statusCode ?? 0, cookies, body: ended });
    });
    req.on('error', fail);
    req.end(body);
  });
}

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

/** A session store whose writes take a while, like a busy database. */
class SlowStore extends MemoryStore {
  override set(sid: string, session: SessionData, callback?: (error?: unknown) => void): void {
    setTimeout(() => super.set(sid, session, callback), 150);
  }

  stored(): { csrfToken?: string; passport?: { user: string } }[] {
    const sessions = (this as unknown as { sessions: Record<string, string> }).sessions;
    return Object.values(sessions).map((json) => JSON.parse(json) as { csrfToken?: string; passport?: { user: string } });
  }
}

describe('logging in and following the redirect at once', () => {
  useTestDatabase('auth_login_race');
  const store = new SlowStore();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const config = testConfig({ AUTH_CACHE_MS: '0' });
    server = await listen(buildTestApp({ config, auth: testAuth(config, { sessionStore: store }) }), { port: 0, host: '127.0.0.1' });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => closeServer(server, 1_000));

  it('when the login redirect arrives, then the session is already stored with its CSRF token, so the next page and form agree', async () => {
    const { user, username, password } = await createCustomer();
    const loginPage = await send(base, 'GET', '/auth/customer/login', { accept: 'text/html' });
    const credentials = new URLSearchParams({ username, password, _csrf: extractCsrfToken(await loginPage.body) }).toString();

    const login = await send(base, 'POST', '/auth/customer/login', { ...formHeaders, cookie: loginPage.cookies }, credentials);

    expect(login.status).toBe(303);
    const mine = store.stored().filter((session) => session.passport?.user === user.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.csrfToken).toMatch(/^[0-9a-f]{64}$/);
    const page = await send(base, 'GET', '/account', { cookie: login.cookies, accept: 'text/html' });
    const token = extractCsrfToken(await page.body);
    await login.body;
    const logout = await send(base, 'POST', '/auth/logout', { ...formHeaders, cookie: login.cookies }, new URLSearchParams({ _csrf: token }).toString());
    expect(logout.status).toBe(303);
  });
});
