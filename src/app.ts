import express, { type Express } from 'express';
import type { Config } from './config.js';
import { healthRoutes, type HealthChecks } from './health/health.routes.js';
import { homeRoutes } from './home/home.routes.js';
import { errorMiddleware, notFoundHandler } from './lib/error-middleware.js';
import type { Logger } from './lib/logger.js';
import { publicDir, viewsDir } from './lib/paths.js';
import { requestLogger } from './lib/request-logger.js';
import { securityHeaders } from './lib/security-headers.js';

export interface AppDependencies {
  config: Readonly<Config>;
  logger: Logger;
  health: HealthChecks;
}

/** Builds the Express app from its dependencies. It never connects or listens. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.locals.appName = 'Parley';

  app.use(securityHeaders({ twilioTransport: Boolean(config.twilio), https: config.session.secureCookie }));
  app.use(requestLogger(logger));
  app.use(express.static(publicDir, { index: false, maxAge: config.isProduction ? '1h' : 0 }));
  app.use(healthRoutes(deps.health));
  app.use(express.urlencoded({ extended: false, limit: '32kb' }));
  app.use(express.json({ limit: '128kb' }));

  app.use(homeRoutes());

  app.use(notFoundHandler);
  app.use(errorMiddleware({ exposeInternals: !config.isProduction }));
  return app;
}
