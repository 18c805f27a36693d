import { Router } from 'express';
import type { Logger } from '../lib/logger.js';
import type { TranslationCheck } from '../translation/index.js';
import { readinessLog } from './readiness-log.js';

export interface HealthChecks {
  isDatabaseReachable(): Promise<boolean>;
  /** Shown in /readyz but never fails readiness: without DeepL, messages still flow untranslated. */
  translation?(): TranslationCheck;
}

/**
 * `/healthz` says the process is alive; `/readyz` says it can serve, i.e. the database answers.
 * Probes are not logged one by one (see request-logger); readiness changes are, once each.
 */
export function healthRoutes(checks: HealthChecks, logger?: Logger): Router {
  const router = Router();
  const readiness = readinessLog(logger);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await checks.isDatabaseReachable();
    readiness.record(database);
    res.status(database ? 200 : 503).json({
      status: database ? 'ready' : 'not_ready',
      checks: { database: database ? 'up' : 'down', ...(checks.translation ? { translation: checks.translation() } : {}) },
    });
  });
  return router;
}
