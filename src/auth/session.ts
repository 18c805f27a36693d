import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MongoStore from 'connect-mongo';
import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import { CachedSessionStore } from './cached-session-store.js';
import { MongoSessionStore, SESSIONS_COLLECTION, type StoredSession } from './mongo-session-store.js';
import { endDroppedLogins, type AuthPassport } from './passport.js';

export const SESSION_COOKIE = 'parley.sid';

type StoreClient = NonNullable<Parameters<typeof MongoStore.create>[0]['client']>;

export interface SessionOptions {
  store: Store;
  secret: string | string[];
  maxAgeMs: number;
  /** Secure cookies when the app is served over HTTPS (behind TRUST_PROXY). */
  secureCookie: boolean;
  passport: AuthPassport;
}

/**
 * express-session, then passport reading the login from it. The same array authenticates
 * Socket.IO connections (engine.use) with the same cookie.
 */
export function createSessionMiddleware(options: SessionOptions): RequestHandler[] {
  const sessionMiddleware = session({
    name: SESSION_COOKIE,
    store: options.store,
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookie,
      maxAge: options.maxAgeMs,
    },
  });
  return [sessionMiddleware, options.passport.initialize(), options.passport.session(), endDroppedLogins()];
}

/**
 * Sessions in MongoDB on the app's own connection. Expired ones are removed by a timer, not a
 * TTL index, which FerretDB rejects.
 */
export function createSessionStore(
  options: { maxAgeMs: number; autoRemoveIntervalMinutes?: number; cacheMs?: number },
  connection: Connection = mongoose.connection,
): Store {
  if (connection.readyState !== mongoose.ConnectionStates.connected) {
    throw new Error('Connect the database before creating the session store.');
  }
  // Same driver API; only the type differs (mongoose pins its own mongodb patch version).
  const client = connection.getClient() as unknown as StoreClient;
  const collectionName = SESSIONS_COLLECTION;
  const settings = {
    client,
    dbName: connection.name,
    collectionName,
    ttl: Math.ceil(options.maxAgeMs / 1000),
    autoRemove: 'interval' as const,
    autoRemoveInterval: options.autoRemoveIntervalMinutes ?? 10,
    touchAfter: 60,
  };
  const store = new MongoSessionStore(settings, connection.getClient().db(connection.name).collection<StoredSession>(collectionName));
  return options.cacheMs ? new CachedSessionStore(store, { ttlMs: options.cacheMs }) : store;
}

/**
 * SESSION_SECRET when set (production requires it). Otherwise a secret generated once and kept
 * in `<DATA_DIR>/session-secret`, so development sessions survive restarts.
 */
export function resolveSessionSecret(config: Pick<Config, 'session' | 'dataDir' | 'isProduction'>): string {
  if (config.session.secret) return config.session.secret;
  if (config.isProduction) throw new Error('SESSION_SECRET is required in production.');
  const file = join(config.dataDir, 'session-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
