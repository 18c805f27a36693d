import type { Request } from 'express';
import session, { type SessionData } from 'express-session';
import { sign } from 'cookie-signature';
import { describe, expect, it } from 'vitest';
import { createApiSignIn } from '../../src/auth/api-sign-in.js';
import type { ActiveAccount } from '../../src/auth/index.js';

const secret = 'api-sign-in-secret-0123456789abcdef';
const user = { id: 'a'.repeat(24), username: 'lucia', role: 'customer' as const, language: 'ES' };
const hourMs = 3_600_000;

/** A logged-in session as express-session, passport and csrf-sync leave it, in express-session's MemoryStore. */
async function signedIn(changes: Partial<Record<string, unknown>> = {}) {
  const store = new session.MemoryStore();
  const sid = `sid-${Math.random().toString(36).slice(2)}`;
  const data = {
    cookie: { originalMaxAge: hourMs, expires: new Date(Date.now() + hourMs), httpOnly: true, path: '/' },
    passport: { user: user.id },
    loginAt: Date.now() - 1_000,
    csrfToken: 'the-token-of-this-session',
    ...changes,
  } as unknown as SessionData;
  await new Promise<void>((done) => store.set(sid, data, () => done()));
  const account: ActiveAccount = { user, sessionsValidAfter: null };
  const users = { findActiveAccount: async (id: string) => (id === user.id ? account : null) };
  const apiUser = createApiSignIn({ store, secret, users, absoluteMs: 12 * hourMs });
  const cookie = `theme=dark; parley.sid=${encodeURIComponent(`s:${sign(sid, secret)}`)}`;
  const call = (headers: Record<string, string | undefined>) => apiUser({ headers } as unknown as Request);
  return { store, sid, account, call, cookie, token: 'the-token-of-this-session' };
}

describe('signing in an API call from its session cookie', () => {
  it('when the cookie is signed and the CSRF header matches the session, then the user is signed in', async () => {
    const { call, cookie, token } = await signedIn();

    expect(await call({ cookie, 'x-csrf-token': token })).toEqual(user);
  });

  it('when the CSRF header is missing or wrong, then nobody is signed in (the full stack answers 403)', async () => {
    const { call, cookie } = await signedIn();

    expect(await call({ cookie })).toBeUndefined();
    expect(await call({ cookie, 'x-csrf-token': 'the-token-of-another-one' })).toBeUndefined();
  });

  it('when the cookie is not signed with the secret, then nobody is signed in', async () => {
    const { call, sid, token } = await signedIn();
    const forged = `parley.sid=${encodeURIComponent(`s:${sign(sid, 'another-secret-0123456789abcdefgh')}`)}`;

    expect(await call({ cookie: forged, 'x-csrf-token': token })).toBeUndefined();
    expect(await call({ cookie: `parley.sid=${sid}`, 'x-csrf-token': token })).toBeUndefined();
  });

  it('when the session is unknown, then nobody is signed in', async () => {
    const { call, token } = await signedIn();

    expect(await call({ cookie: `parley.sid=${encodeURIComponent(`s:${sign('no-such-session', secret)}`)}`, 'x-csrf-token': token })).toBeUndefined();
  });

  it('when the login is past its lifetime, revoked or its account gone, then nobody is signed in', async () => {
    const old = await signedIn({ loginAt: Date.now() - 13 * hourMs });
    const revoked = await signedIn();
    revoked.account.sessionsValidAfter = new Date();
    const gone = await signedIn({ passport: { user: 'b'.repeat(24) } });

    expect(await old.call({ cookie: old.cookie, 'x-csrf-token': old.token })).toBeUndefined();
    expect(await revoked.call({ cookie: revoked.cookie, 'x-csrf-token': revoked.token })).toBeUndefined();
    expect(await gone.call({ cookie: gone.cookie, 'x-csrf-token': gone.token })).toBeUndefined();
  });

  it('when a call is signed in, then the session\'s idle lifetime starts again, as on pages', async () => {
    const { store, sid, call, cookie, token } = await signedIn({
      cookie: { originalMaxAge: hourMs, expires: new Date(Date.now() + 60_000), httpOnly: true, path: '/' },
    });

    await call({ cookie, 'x-csrf-token': token });

    await expect.poll(async () => {
      const stored = await new Promise<SessionData | null | undefined>((done) => store.get(sid, (_error, found) => done(found)));
      return new Date(stored?.cookie.expires ?? 0).getTime() > Date.now() + hourMs / 2;
    }).toBe(true);
  });
});
