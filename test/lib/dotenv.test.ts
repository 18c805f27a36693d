import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, readEnvironment } from '../../src/config.js';

const cwd = mkdtempSync(join(tmpdir(), 'parley-dotenv-'));
writeFileSync(join(cwd, '.env'), '# local settings\nPORT=4123\nLOG_LEVEL=warn\nDATA_DIR="./from file"\n');
const startDir = process.cwd();

afterEach(() => {
  process.chdir(startDir);
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('the .env file', () => {
  it('when the working directory has a .env file, then its values are used', () => {
    const config = loadConfig(readEnvironment({ cwd, env: {} }));
    expect(config.port).toBe(4123);
    expect(config.logLevel).toBe('warn');
    expect(config.dataDir).toBe('./from file');
  });

  it('when a variable is also set in the real environment, then the real one wins', () => {
    const config = loadConfig(readEnvironment({ cwd, env: { PORT: '5000' } }));
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('warn');
  });

  it('when there is no .env file, then only the environment counts', () => {
    const empty = mkdtempSync(join(tmpdir(), 'parley-no-dotenv-'));
    try {
      expect(loadConfig(readEnvironment({ cwd: empty, env: {} })).port).toBe(3000);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('when the server or the CLI loads its configuration (no argument), then .env of the working directory is read under the real environment', () => {
    process.chdir(cwd);
    vi.stubEnv('PORT', '');
    vi.stubEnv('LOG_LEVEL', 'error');
    delete process.env.PORT;
    const config = loadConfig();
    expect(config.port).toBe(4123);
    expect(config.logLevel).toBe('error');
  });
});
