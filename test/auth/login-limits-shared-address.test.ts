import { MemoryStore, type IncrementResponse } from 'express-rate-limit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testAuth, testConfig } from '../support/app.js';
import { createCustomer, csrfToken, uniqueUsername, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

/** A memory store that remembers the keys it counted, so a test can read every counter. */
class RecordingStore extends MemoryStore {
  readonly keys = new Set<string>();

  override increment(key: string): Promise<IncrementResponse> {
    this.keys.add(key);
    return super.increment(key);
  }

  async totals(): Promise<number[]> {
    const counted = await Promise.all([...this.keys].map((key) => this.get(key)));
    return counted.map((entry) => entry?.totalHits ?? 0);
  }
}

/**
 * Memory stores whose counts answer only once `size` requests have been counted (or after a
 * safety timeout), so that many requests are in flight in the limiter at the same moment.
 */
class ArrivalGate {
  arrived = 0;
  private release: () => void = () => undefined;
  private readonly open = new Promise<void>((resolve) => {
    this.release = resolve;
    setTimeout(resolve, 10_000).unref();
  });

  constructor(private readonly size: number) {}

  async counted(): Promise<void> {
    this.arrived += 1;
    if (this.arrived >= this.size) this.release();
    await this.open;
  }

  store(): MemoryStore {
    const gate = this.counted.bind(this);
    return new (class extends MemoryStore {
      override async increment(key: string): Promise<IncrementResponse> {
        const counted = await super.increment(key);
        await gate();
        return counted;
      }
    })();
  }
}

function recordingStores() {
  const stores = new Map<string, RecordingStore>();
  const factory = (name: string) => {
    const store = new RecordingStore();
    stores.set(name, store);
    return store;
  };
  return { factory, stores };
}

async function postLogin(agent: TestAgent, token: string, username: string, password: string) {
  return agent.post('/auth/customer/login').type('form').send({ username, password, _csrf: token });
}

async function attempts(agent: TestAgent, count: number, username: () => string, password: string): Promise<number[]> {
  const token = await csrfToken(agent, '/auth/customer/login');
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await postLogin(agent, token, username(), password)).status);
  return statuses;
}

describe('login limits when many people share one address', () => {
  useTestDatabase('auth_limits_shared_address');

  it('when 30 people sign in at the same moment from one address, then every sign-in succeeds', async () => {
    const accounts = await Promise.all(Array.from({ length: 30 }, () => createCustomer()));
    // Each sign-in waits in the address limiter until all 30 are counted: all in flight at once,
    // however quickly this machine would otherwise answer the first ones.
    const together = new ArrivalGate(30);
    const stores = (name: string) => (name === 'login-ip' ? together.store() : new MemoryStore());
    const config = testConfig();
    const server = buildTestApp({ config, auth: testAuth(config, { rateLimits: { store: stores } }) }).listen(0);
    try {
      const agents = accounts.map(() => request.agent(server));
      const tokens = await Promise.all(agents.map((agent) => csrfToken(agent, '/auth/customer/login')));
      const answers = await Promise.all(accounts.map((account, i) => postLogin(agents[i] as TestAgent, tokens[i] ?? '', account.username, account.password)));
      expect(together.arrived).toBe(30);
      expect(answers.map((res) => res.status)).toEqual(Array(30).fill(303));
      expect((await agents[29]?.get('/account'))?.status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('when one account fails 11 times from one address, then the 11th is refused, and so is its correct password', async () => {
    const { username, password } = await createCustomer();
    const agent = request.agent(buildTestApp());
    const statuses = await attempts(agent, 11, () => username, 'wrong password!');
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // The limit is judged before the password: a right guess is refused like a wrong one.
    expect((await attempts(agent, 1, () => username, password))[0]).toBe(429);
    expect((await agent.get('/account')).status).toBe(302);
  });

  it('when an address keeps trying a refused account, then the refusals count in no limiter and the wait does not grow', async () => {
    const { username } = await createCustomer();
    const { factory, stores } = recordingStores();
    const config = testConfig({ LOGIN_FAILURES_PER_ADDRESS: '12' });
    const app = buildTestApp({ config, auth: testAuth(config, { rateLimits: { store: factory } }) });
    const agent = request.agent(app);
    expect(await attempts(agent, 10, () => username, 'wrong password!')).toEqual(Array(10).fill(401));

    const token = await csrfToken(agent, '/auth/customer/login');
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const refused = await postLogin(agent, token, username, 'wrong password!');
      expect(refused.status).toBe(429);
      waits.push(Number(refused.headers['retry-after']));
    }
    expect(waits.every((wait, i) => i === 0 || wait <= (waits[i - 1] ?? 0))).toBe(true);
    for (const name of ['login-ip', 'login-username-ip', 'login-username']) expect(await stores.get(name)?.totals()).toEqual([10]);

    // The address has used 10 of its 12 failures, not 15: two other accounts may still fail once each.
    expect(await attempts(agent, 3, () => uniqueUsername('colleague'), 'wrong password!')).toEqual([401, 401, 429]);
  });

  it('when one address fails for many different accounts, then it is refused past the per-address limit (100 by default)', async () => {
    expect(testConfig().loginFailuresPerAddress).toBe(100);
    const agent = request.agent(buildTestApp());
    const statuses = await attempts(agent, 101, () => uniqueUsername('guess'), 'wrong password!');
    expect(statuses.slice(0, 100)).toEqual(Array(100).fill(401));
    expect(statuses[100]).toBe(429);
  });

  it('when LOGIN_FAILURES_PER_ADDRESS is set, then the address is refused past it', async () => {
    const config = testConfig({ LOGIN_FAILURES_PER_ADDRESS: '3' });
    const agent = request.agent(buildTestApp({ config, auth: testAuth(config) }));
    expect(await attempts(agent, 4, () => uniqueUsername('guess'), 'wrong password!')).toEqual([401, 401, 401, 429]);
  });
});

describe('login refusals in the reader’s language', () => {
  useTestDatabase('auth_limits_language');

  it('when a Spanish browser is refused a login, then the page and the JSON answer say so in Spanish', async () => {
    const { username } = await createCustomer();
    const agent = request.agent(buildTestApp());
    await attempts(agent, 10, () => username, 'wrong password!');
    const token = await csrfToken(agent, '/auth/customer/login');
    const send = (accept: string) =>
      agent.post('/auth/customer/login').set('Accept-Language', 'es-ES,es;q=0.9').set('Accept', accept).type('form').send({ username, password: 'x', _csrf: token });

    const page = await send('text/html');
    expect(page.status).toBe(429);
    expect(page.text).toMatch(/Demasiados intentos fallidos de inicio de sesión\. Espera \d+ minutos? y vuelve a intentarlo\./);
    // Outside production the page also shows the error's stack, which stays English (like the logs).
    expect(page.text.replace(/<pre[\s\S]*?<\/pre>/, '')).not.toContain('Too many failed login attempts');
    expect(page.text).toContain('<html lang="es"');
    const json = await send('application/json');
    expect(json.status).toBe(429);
    expect(json.body.error.message).toMatch(/^Demasiados intentos fallidos de inicio de sesión\. Espera \d+ minutos? y vuelve a intentarlo\.$/);
  });

  it('when a German browser is refused a sign-up, then the refusal is in German', async () => {
    const agent = request.agent(buildTestApp());
    const token = await csrfToken(agent, '/auth/customer/register');
    let last = await agent.post('/auth/customer/register').type('form').send({ username: 'x', _csrf: token });
    for (let i = 0; i < 20; i += 1) {
      last = await agent.post('/auth/customer/register').set('Accept-Language', 'de').set('Accept', 'text/html').type('form').send({ username: 'x', _csrf: token });
    }
    expect(last.status).toBe(429);
    expect(last.text).toMatch(/Zu viele Registrierungsversuche aus Ihrem Netzwerk\. Bitte warten Sie \d+ Minuten? und versuchen Sie es dann noch einmal\./);
  });
});
