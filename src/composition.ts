import type { AppDependencies } from './app.js';
import type { Config } from './config.js';
import { isDatabaseReachable } from './lib/database.js';
import type { Logger } from './lib/logger.js';

/** What the running process owns besides the app's dependencies: things to close on shutdown. */
export interface Composition {
  deps: AppDependencies;
  close(): Promise<void>;
}

/**
 * The composition root: builds every feature's dependencies from configuration, once, for the
 * real server. Tests build their own (test/support/app.ts) from the same factories.
 */
export async function composeApplication(config: Readonly<Config>, logger: Logger): Promise<Composition> {
  const deps: AppDependencies = { config, logger, health: { isDatabaseReachable } };
  return {
    deps,
    close: async () => {},
  };
}
