import { Writable } from 'node:stream';
import type { Store } from 'express-session';
import mongoose from 'mongoose';
import { createApp, type AppDependencies } from '../../src/app.js';
import { createAuth, createSessionStore, type Auth, type AuthOptions } from '../../src/auth/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createConversationsFeature } from '../../src/conversations/index.js';
import { isDatabaseReachable } from '../../src/lib/database.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { createTranslationFeature } from '../../src/translation/index.js';

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

/** The whole app with sessions, login and CSRF, on the test database; override any dependency. */
export function buildTestApp(overrides: Partial<AppDependencies> = {}) {
  const config = overrides.config ?? testConfig();
  const logger = overrides.logger ?? memoryLogger().logger;
  const auth = overrides.auth ?? testAuth(config);
  const conversations = overrides.conversations ?? createConversationsFeature({ config, logger });
  // Translation off unless the config points at a (local) DeepL; pass `translation` to tune it.
  const translation = overrides.translation ?? createTranslationFeature({ config, logger });
  return createApp({ config, logger, health: { isDatabaseReachable }, auth, conversations, translation, ...overrides });
}
