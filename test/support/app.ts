import { Writable } from 'node:stream';
import type { Store } from 'express-session';
import mongoose from 'mongoose';
import { createAuth, createSessionStore, type Auth, type AuthOptions } from '../../src/auth/index.js';
import { composeApplication, type Composition, type CompositionOverrides } from '../../src/composition.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';

/** Collects log lines in memory so tests can assert what was (and was not) logged. */
export function memoryLogger(level = 'info'): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level }, sink), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Readonly<Config> {
  return loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', ...overrides });
}

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef';

// One session store per test database: each store runs a cleanup timer on the shared connection.
const sessionStores = new Map<string, Store>();

/** The accounts feature on the test database (connect it first: useTestDatabase()). */
export function testAuth(config: Readonly<Config> = testConfig(), options: Partial<AuthOptions> = {}): Auth {
  const dbName = mongoose.connection.name;
  let sessionStore = sessionStores.get(dbName);
  if (!sessionStore) {
    sessionStore = createSessionStore({ maxAgeMs: config.session.maxAgeMs, cacheMs: config.session.cacheMs });
    sessionStores.set(dbName, sessionStore);
  }
  return createAuth({ config, sessionStore, sessionSecret: TEST_SESSION_SECRET, ...options });
}

export interface TestAppOverrides extends CompositionOverrides {
  config?: Readonly<Config>;
  logger?: Logger;
}

/**
 * The application as the server composes it (src/composition.ts), on the test database, with a
 * session store and secret per test database; override any part.
 */
export function composeTestApp(overrides: TestAppOverrides = {}): Composition {
  const { config = testConfig(), logger = memoryLogger().logger, ...parts } = overrides;
  // Translation is off unless the config points at a (local) DeepL; pass `translation` to tune it.
  return composeApplication(config, logger, { auth: parts.auth ?? testAuth(config), sessionSecret: TEST_SESSION_SECRET, ...parts });
}

/** The whole app with sessions, login and CSRF (see composeTestApp). */
export function buildTestApp(overrides: TestAppOverrides = {}) {
  return composeTestApp(overrides).app;
}
