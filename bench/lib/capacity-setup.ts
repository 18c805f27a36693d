/**
 * Set-up of the capacity run: accounts, sign-ins through the real form, sockets, conversations.
 * Everything runs through a bounded pool (many people at once, never all at once), each step has
 * a time limit of its own, and only what a person would repeat is repeated: a page that did not
 * load (connection reset, 502/503/504) is loaded again after a moment, a 403 on "start
 * conversation" (stale form token) reloads the page and presses again. Anything else fails the run
 * with what the server said.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pageCsrfToken, type SignedIn } from '../../test/support/chat-users.js';
import { extractCsrfToken, type TestAccount } from '../../test/support/auth.js';
import type { Role } from '../../src/contract/chat.js';
import { createPeople, inBatches } from './chat-load.js';

/** People set up at once: enough to keep the server busy, few enough not to time out. */
export const setupConcurrency = 32;

/** Set-up steps that had to be repeated, reported with the results. */
export const setupRepeats = { pageReloads: 0 };

// A page that did not load, or a send the page reports as "not reachable" (its ack timed out;
// pressing send again resends the same clientId, which the server answers once).
const retryable = (error: unknown) =>
  (error as { code?: unknown } | undefined)?.code === 'unavailable' ||
  /answered (502|503|504)\b|fetch failed|ECONNRESET|socket hang up|other side closed/i.test(String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error));

/** Runs `work` again, up to `attempts` times in all, when it failed as a page that did not load would. */
export async function asAPersonWould<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      setupRepeats.pageReloads += 1;
      await new Promise((done) => setTimeout(done, 250 * attempt));
    }
  }
}

/** `work`, failed with a clear message when it takes longer than `ms`. */
export async function within<T>(label: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`set-up step "${label}" took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Times each set-up step and bounds it: the figure says where a slow set-up spends its time. */
export function setupClock(log: (line: string) => void = console.log) {
  const started = performance.now();
  return {
    async step<T>(label: string, limitMs: number, work: () => Promise<T>): Promise<T> {
      const begun = performance.now();
      const result = await within(label, limitMs, work());
      log(`  set-up: ${label}: ${((performance.now() - begun) / 1000).toFixed(1)} s`);
      return result;
    },
    seconds: () => (performance.now() - started) / 1000,
  };
}

interface Answer {
  status: number;
  /** The Cookie header a browser would send back (`name=value; …`). */
  cookie: string;
  text: string;
}

/** One HTTP request from `localAddress` (a loopback address of its own), the body read in full. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; localAddress: string }): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, cookie: (res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; '), text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

/**
 * Person n's address: 127.0.0.0/8 is all loopback, so each simulated person signs in from an
 * address of their own, as real people do. From one address, the login's per-address limit (10
 * failed logins in 15 min) counts each login until it has answered: with 8 at once some
 * successes counted as failures, the limit answered 429, and each 429 counted as one more.
 */
const addressOf = (n: number) => `127.0.${Math.floor(n / 250) + 1}.${(n % 250) + 1}`;

/** The real login form (as test/support/chat-users.ts signIn), from the person's own address. */
async function signInOnce(url: string, role: Role, account: TestAccount, localAddress: string): Promise<SignedIn> {
  const loginPath = `${url}/auth/${role}/login`;
  const form = await request(loginPath, { localAddress });
  if (form.status !== 200) throw new Error(`The login page answered ${form.status}`);
  const login = await request(loginPath, {
    method: 'POST',
    localAddress,
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: account.username, password: account.password, _csrf: extractCsrfToken(form.text) }).toString(),
  });
  if (login.status !== 303 || !login.cookie) throw new Error(`Login as ${account.username} answered ${login.status}`);
  return { role, account, cookie: login.cookie, csrf: await pageCsrfToken(url, login.cookie) };
}

let people = 0;

/** Accounts made in the database, then signed in through the form, `setupConcurrency` at a time. */
export async function signInPeople(url: string, role: Role, count: number, language: string): Promise<SignedIn[]> {
  const accounts: TestAccount[] = await createPeople(role, count, language, setupConcurrency);
  return inBatches(accounts, setupConcurrency, (account) => {
    const localAddress = addressOf(people++);
    return asAPersonWould(() => signInOnce(url, role, account, localAddress));
  });
}
