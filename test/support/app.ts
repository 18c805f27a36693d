import { Writable } from 'node:stream';
import { createApp, type AppDependencies } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { isDatabaseReachable } from '../../src/lib/database.js';
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

export function buildTestApp(overrides: Partial<AppDependencies> = {}) {
  const config = overrides.config ?? testConfig();
  const logger = overrides.logger ?? memoryLogger().logger;
  return createApp({ config, logger, health: { isDatabaseReachable }, ...overrides });
}
