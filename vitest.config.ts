import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The API descriptions first: without them, fail once with a clear message.
    globalSetup: ['test/setup/shared-specs.ts', 'test/setup/embedded-database.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files only make each one slower.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
