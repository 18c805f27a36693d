import type { SessionData, Store } from 'express-session';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/auth/index.js';
import { loadSessions } from '../../src/auth/sign-in-check.js';
import { useTestDatabase } from '../support/database.js';

type LoggedIn = SessionData & { passport?: { user: string }; lastModified?: Date };

const read = (store: Store, sid: string) =>
  new Promise<LoggedIn | null>((done, fail) => store.get(sid, (error, session) => (error ? fail(error) : done((session as LoggedIn) ?? null))));
const write = (store: Store, sid: string, session: LoggedIn) =>
  new Promise<void>((done, fail) => store.set(sid, session, (error?: unknown) => (error ? fail(error) : done())));

function session(user: string): LoggedIn {
  const expires = new Date(Date.now() + 60_000);
  return { cookie: { originalMaxAge: 60_000, expires, httpOnly: true, path: '/' }, passport: { user } } as LoggedIn;
}

describe('session store in MongoDB', () => {
  useTestDatabase('auth_session_store', { monitorCommands: true });

  it('when connect-mongo has written a session, then it is read back by its id with the time it was written', async () => {
    const store = createSessionStore({ maxAgeMs: 60_000, cacheMs: 0 });
    await write(store, 'sid-read', session('alice'));

    const found = await read(store, 'sid-read');

    expect(found?.passport?.user).toBe('alice');
    expect(found?.lastModified).toBeInstanceOf(Date);
    expect(await read(store, 'sid-missing')).toBeNull();
  });

  it('when a stored session has expired, then it is not read back', async () => {
    const store = createSessionStore({ maxAgeMs: 60_000, cacheMs: 0 });
    await write(store, 'sid-old', session('bob'));
    await mongoose.connection.collection('sessions').updateOne({ _id: 'sid-old' as never }, { $set: { expires: new Date(Date.now() - 1_000) } });

    expect(await read(store, 'sid-old')).toBeNull();
  });

  it('when the sign-in sweep reads more sessions than one reply holds by default (101), then it gets them all with one command per batch, no getMore', async () => {
    const store = createSessionStore({ maxAgeMs: 60_000, cacheMs: 0 });
    const ids = Array.from({ length: 150 }, (_, i) => `sid-many-${i}`);
    await Promise.all(ids.map((sid, i) => write(store, sid, session(`user-${i}`))));
    const asked: string[] = [];
    const listener = (event: { commandName: string }) => asked.push(event.commandName);
    mongoose.connection.getClient().on('commandStarted', listener);
    try {
      const found = await loadSessions(store, ids);
      expect(found.size).toBe(150);
      expect(found.get('sid-many-149')?.passport?.user).toBe('user-149');
    } finally {
      mongoose.connection.getClient().off('commandStarted', listener);
    }
    expect(asked.filter((name) => name === 'getMore')).toHaveLength(0);
    expect(asked.filter((name) => name === 'find')).toHaveLength(1);
  });
});
