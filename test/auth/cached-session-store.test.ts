import { MemoryStore, type SessionData, type Store } from 'express-session';
import { describe, expect, it } from 'vitest';
import { CachedSessionStore } from '../../src/auth/cached-session-store.js';

type LoggedIn = SessionData & { passport?: { user: string } };

/** express-session's own MemoryStore, counting the reads that reach it. */
function countingStore(): { store: MemoryStore; reads: () => number } {
  const store = new MemoryStore();
  let reads = 0;
  const get = store.get.bind(store);
  store.get = (sid, callback) => {
    reads += 1;
    get(sid, callback);
  };
  return { store, reads: () => reads };
}

const read = (store: Store, sid: string) =>
  new Promise<LoggedIn | null>((done, fail) => store.get(sid, (error, session) => (error ? fail(error) : done((session as LoggedIn) ?? null))));
const write = (store: Store, sid: string, session: LoggedIn) =>
  new Promise<void>((done, fail) => store.set(sid, session, (error?: unknown) => (error ? fail(error) : done())));
const destroy = (store: Store, sid: string) =>
  new Promise<void>((done, fail) => store.destroy(sid, (error?: unknown) => (error ? fail(error) : done())));

function session(user: string, expiresInMs = 60_000): LoggedIn {
  const expires = new Date(Date.now() + expiresInMs);
  return { cookie: { originalMaxAge: expiresInMs, expires, httpOnly: true, path: '/' }, passport: { user } } as LoggedIn;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cached session store', () => {
  it('when one session is read many times at once and again later, then the inner store is read once', async () => {
    const inner = countingStore();
    const cached = new CachedSessionStore(inner.store, { ttlMs: 5_000 });
    await write(inner.store, 'a', session('alice'));

    const answers = await Promise.all(Array.from({ length: 5 }, () => read(cached, 'a')));
    await read(cached, 'a');

    expect(answers.map((answer) => answer?.passport?.user)).toEqual(Array(5).fill('alice'));
    expect(inner.reads()).toBe(1);
  });

  it('when a session is destroyed through the cache, then the next read finds nothing at once', async () => {
    const inner = countingStore();
    const cached = new CachedSessionStore(inner.store, { ttlMs: 60_000 });
    await write(cached, 'a', session('alice'));
    expect((await read(cached, 'a'))?.passport?.user).toBe('alice');

    await destroy(cached, 'a');

    expect(await read(cached, 'a')).toBeNull();
  });

  it('when a session is written through the cache, then reads see the new contents without asking the inner store', async () => {
    const inner = countingStore();
    const cached = new CachedSessionStore(inner.store, { ttlMs: 60_000 });
    await write(cached, 'a', session('alice'));
    await write(cached, 'a', session('bob'));

    expect((await read(cached, 'a'))?.passport?.user).toBe('bob');
    expect(inner.reads()).toBe(0);
  });

  it('when another process destroys the session, then the cache stops answering it after the cache time', async () => {
    const inner = countingStore();
    const cached = new CachedSessionStore(inner.store, { ttlMs: 150 });
    await write(cached, 'a', session('alice'));

    await destroy(inner.store, 'a');
    await sleep(200);

    expect(await read(cached, 'a')).toBeNull();
  });

  it('when the session cookie has expired, then the cached copy is not answered', async () => {
    const inner = countingStore();
    const cached = new CachedSessionStore(inner.store, { ttlMs: 60_000 });
    await write(cached, 'a', session('alice', 100));
    await sleep(150);

    expect(await read(cached, 'a')).toBeNull();
    expect(inner.reads()).toBe(1);
  });

  it('when a caller changes the session it was given, then the cached copy stays as stored', async () => {
    const cached = new CachedSessionStore(new MemoryStore(), { ttlMs: 60_000 });
    await write(cached, 'a', session('alice'));

    const first = await read(cached, 'a');
    if (first?.passport) first.passport.user = 'mallory';

    expect((await read(cached, 'a'))?.passport?.user).toBe('alice');
  });
});
