import type { Logger } from '../lib/logger.js';

export interface ReadinessLog {
  record(databaseUp: boolean): void;
}

/**
 * Logs readiness when it changes, not on every probe: a load balancer probing a down database
 * every few seconds would otherwise bury the one line that matters.
 */
export function readinessLog(logger: Logger | undefined): ReadinessLog {
  let last: boolean | undefined;
  return {
    record(databaseUp) {
      if (databaseUp === last) return;
      const first = last === undefined;
      last = databaseUp;
      if (!databaseUp) logger?.error({ database: 'down' }, 'not ready: the database does not answer');
      else if (!first) logger?.info({ database: 'up' }, 'ready again: the database answers');
    },
  };
}
