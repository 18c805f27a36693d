import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Auth } from './auth/index.js';
import type { Config } from './config.js';
import { conversationRoutes, supportRoutes, type ConversationsFeature } from './conversations/index.js';
import { healthRoutes, type HealthChecks } from './health/health.routes.js';
import { ensureInterfaceLocals, type InterfaceLanguages } from './i18n/index.js';
import { homeRoutes } from './home/home.routes.js';
import { errorMiddleware, notFoundHandler } from './lib/error-middleware.js';
import type { Logger } from './lib/logger.js';
import { publicDir, viewsDir } from './lib/paths.js';
import { requestLogger } from './lib/request-logger.js';
import { fixedSecurityHeaders, securityHeaders } from './lib/security-headers.js';
import { refuseSourceMaps } from './lib/source-maps.js';
import { translateFastPath, translateHandlers, translationRoutes, type TranslationFeature } from './translation/index.js';

export interface AppDependencies {
  config: Readonly<Config>;
  logger: Logger;
  health: HealthChecks;
  /** Sessions, login, CSRF: createAuth() in src/auth. */
  auth: Auth;
  /** Conversations and their message transport: createConversationsFeature() in src/conversations. */
  conversations: ConversationsFeature;
  /** POST /translate, GET /api/languages: createTranslationFeature() in src/translation. */
  translation: TranslationFeature;
  /** /api/conversations…, /api/token: conversationApiRoutes() in src/conversations. */
  conversationApi: Router;
  /** The page's send form draws on the user's one message allowance (messageSendAllowance in src/conversations). */
  sendLimit?: RequestHandler;
  /** Signed webhooks (Twilio): before sessions, so they need no login and no CSRF token. */
  webhooks: Router[];
  /** Signed-in routes of optional features (SMS and WhatsApp customers), after sessions and CSRF. */
  featureRoutes?: Router[];
  /** The interface in the reader's language (res.locals.t): createInterfaceLanguages() in src/i18n; English without it. */
  i18n?: InterfaceLanguages;
  /** The chat widget (src/widget): `routes` before sessions (no Parley cookie), `pages` before the chat page. */
  widget?: { routes: Router; pages: Router };
}

/** Builds the Express app from its dependencies (composeApplication supplies them). It never connects or listens. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.locals.appName = 'Parley';
  if (deps.i18n) Object.assign(app.locals, deps.i18n.englishLocals);

  const headers = securityHeaders({ twilioTransport: Boolean(config.twilio), https: config.session.secureCookie });
  const translate = translateHandlers(deps.translation);
  // Readers' POST /translate calls, ahead of the page stack; what it cannot sign in goes on below.
  app.post('/translate', ...translateFastPath({ apiUser: deps.auth.apiUser, handlers: translate, headers: fixedSecurityHeaders(headers), logger, beforeError: deps.i18n?.middleware }));
  app.use(headers);
  app.use(requestLogger(logger));
  if (deps.widget) app.use(deps.widget.routes);
  if (config.isProduction) app.use(refuseSourceMaps); // the bundles' maps are for development only
  app.use(express.static(publicDir, { index: false, maxAge: config.isProduction ? '1h' : 0 }));
  app.use(healthRoutes(deps.health, logger));
  for (const webhooks of deps.webhooks) app.use(webhooks);
  app.use(deps.auth.sessionMiddleware);
  if (deps.i18n) app.use(deps.i18n.middleware);
  app.use(express.urlencoded({ extended: false, limit: '32kb' }));
  app.use(express.json({ limit: '128kb' }));
  app.use(deps.auth.pageMiddleware);

  app.use(homeRoutes());
  app.use(deps.auth.routes);
  if (deps.widget) app.use(deps.widget.pages);
  app.use(conversationRoutes(deps.conversations, { sendLimit: deps.sendLimit }));
  app.use(deps.conversationApi);
  for (const routes of deps.featureRoutes ?? []) app.use(routes);
  app.use(supportRoutes(deps.conversations));
  app.use(translationRoutes(deps.translation, translate));

  app.use(notFoundHandler);
  app.use(errorMiddleware({ exposeInternals: !config.isProduction, ensureInterfaceLocals }));
  return app;
}
