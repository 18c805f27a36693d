// The door to the embeddable chat widget: sites registered by admins show a chat bubble whose
// panel is Parley's own customer chat in an iframe. Visitors are customers without an account;
// their messages go through the one message pipeline like any other.
import type { Store } from 'express-rate-limit';
import { rateLimit } from 'express-rate-limit';
import { join } from 'node:path';
import type { Router } from 'express';
import type { ConversationsFeature } from '../conversations/index.js';
import { TooManyRequestsError } from '../lib/errors.js';
import { publicDir } from '../lib/paths.js';
import type { LimiterFactory } from '../lib/rate-limit-store.js';
import type { SocketAccess } from '../realtime/index.js';
import { defaultTranslationLimits, translationRequestLimiter, translationRoutes, type TranslationFeature } from '../translation/index.js';
import { translateAllowance } from './translate-allowance.js';
import { widgetPageRoutes } from './widget-pages.js';
import { widgetSocketAuthenticator, withWidgetSignIns } from './widget-socket.js';
import { widgetRoutes, type InterfaceFor } from './widget.routes.js';
import { createWidgetService } from './widget.service.js';

export { siteService, type Site } from './site.service.js';
export { identityHash, isIdentityHash } from './identity.js';
export { parseSiteOrigin } from './origin.js';

export interface WidgetFeatureDeps {
  conversations: ConversationsFeature;
  translation: TranslationFeature;
  /** One store per limiter (rateLimitStores(redis)): shared between instances with Redis. */
  rateLimitStore: (name: string) => Store;
  /** Weighted limits (characters to translate): flexibleLimiters(redis). */
  limiters: LimiterFactory;
  demo: boolean;
  /** The frame's interface in the visitor's language (createInterfaceLanguages().localsFor); English without it. */
  interfaceFor?: InterfaceFor;
}

export const widgetLoaderFile = join(publicDir, 'js', 'widget.js');

export function createWidgetFeature(deps: WidgetFeatureDeps) {
  const service = createWidgetService(deps.conversations);
  const sessionLimit = rateLimit({
    windowMs: 10 * 60_000,
    limit: 120,
    store: deps.rateLimitStore('widget-sessions'),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError('Too many chats opened from this address. Try again in a few minutes.', 600)),
  });
  const routes: Router = widgetRoutes({
    service,
    sessionLimit,
    translationRoutes: translationRoutes({ ...deps.translation, requestLimiter: translationRequestLimiter(deps.translation.limits ?? defaultTranslationLimits, deps.limiters, 'widget-translate') }),
    translateAllowance: translateAllowance(deps.limiters),
    loaderFile: widgetLoaderFile,
    demo: deps.demo,
    interfaceFor: deps.interfaceFor,
  });
  return {
    service,
    /** Before sessions: the loader, the frame and the visitor API carry no Parley cookie. */
    routes,
    /** After sessions, before the chat page: what reps see about a widget conversation. */
    pages: widgetPageRoutes(service),
    authenticateSocket: widgetSocketAuthenticator(service),
    socketAccess: (access: SocketAccess) => withWidgetSignIns(access),
  };
}

export type WidgetFeature = ReturnType<typeof createWidgetFeature>;
