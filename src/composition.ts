import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Store as SessionStore } from 'express-session';
import { createApp, type AppDependencies } from './app.js';
import { createAuth, createSessionStore, resolveSessionSecret, type Auth } from './auth/index.js';
import type { Config } from './config.js';
import {
  assignmentRoutes, conversationApiRoutes, createConversationsFeature, messageSendAllowance, messageSendLimit, repDirectoryFrom, type ConversationsFeature,
} from './conversations/index.js';
import { createDraftPreviewService, draftPreviewRoutes } from './draft-preview/index.js';
import { createInterfaceLanguages } from './i18n/index.js';
import { isDatabaseReachable } from './lib/database.js';
import type { Logger } from './lib/logger.js';
import { flexibleLimiters, rateLimitStores } from './lib/rate-limit-store.js';
import type { RedisClient } from './lib/redis.js';
import { createMessagingChannel, type MessagingChannel as PhoneChannel } from './messaging-channel/index.js';
import { notesRoutes } from './notes/index.js';
import { createSavedRepliesFeature } from './saved-replies/index.js';
import { createSearchFeature } from './search/index.js';
import { attachRealtime, createRedisAdapter, defaultGuardSettings, type SocketGuardSettings } from './realtime/index.js';
import { createTranslationFeature, describeTranslator, type TranslationFeature } from './translation/index.js';
import { chooseMessageChannel, type MessageChannel } from './twilio/index.js';
import { createVoiceChannel, type CallUpdater, type VoiceChannel } from './voice/index.js';
import { createWidgetFeature } from './widget/index.js';

/** What a caller may supply instead of what configuration would build (tests, mostly). */
export interface CompositionOverrides {
  /** Connected by the caller like the database (server.ts); shares limits and realtime events. */
  redis?: RedisClient;
  sessionStore?: SessionStore;
  sessionSecret?: string;
  auth?: Auth;
  translation?: TranslationFeature;
  channel?: MessageChannel;
  conversations?: ConversationsFeature;
  health?: AppDependencies['health'];
  realtimeGuards?: Partial<SocketGuardSettings>;
  /** Replaces Twilio's Calls API for phone callers (benchmarks). */
  callUpdater?: CallUpdater;
}

/** The running application: the Express app, and what needs the listening HTTP server. */
export interface Composition {
  app: Express;
  deps: AppDependencies;
  /** SMS and WhatsApp customers, when TWILIO_MESSAGING is on. */
  phones: PhoneChannel | undefined;
  /** Phone callers, when TWILIO_VOICE is on. */
  voice: VoiceChannel | undefined;
  /** Attaches Socket.IO to the listening server; returns how to stop it before the server closes. */
  attach(server: Server): Promise<{ close(): Promise<void> }>;
}

/**
 * The composition root: builds every feature from configuration, once, for the real server and
 * for every test harness alike (they pass overrides). It never connects or listens.
 */
export function composeApplication(config: Readonly<Config>, logger: Logger, overrides: CompositionOverrides = {}): Composition {
  const { redis } = overrides;
  // With Redis, every instance counts limits (logins, messages, translation budget) together.
  const limiterStore = rateLimitStores(redis);
  const limiters = flexibleLimiters(redis);
  const translation = overrides.translation ?? createTranslationFeature({ config, logger, limiters });
  const auth =
    overrides.auth ??
    createAuth({
      config,
      languages: translation.languagesProvider,
      sessionStore: overrides.sessionStore ?? createSessionStore({ maxAgeMs: config.session.maxAgeMs, cacheMs: config.session.cacheMs }),
      sessionSecret: overrides.sessionSecret ?? resolveSessionSecret(config),
      rateLimits: { store: limiterStore },
    });
  // Asks DeepL once now, so a refused DEEPL_AUTH_KEY is an error at start-up, not at the first message.
  if (!overrides.translation) void translation.languages.check();
  const channel = overrides.channel ?? chooseMessageChannel(config, logger);
  const conversations =
    overrides.conversations ??
    createConversationsFeature({
      config,
      logger,
      translations: translation.service,
      transport: channel.transport,
      issueToken: channel.issueToken,
      changeLanguage: async (user, language) => void (await auth.users.setLanguage(user, language)),
      translationCost: (id) => translation.usage.forConversation(id),
      translationCostSummary: () => translation.budget.summary(),
      reps: repDirectoryFrom(auth.users),
    });
  const draftPreview = draftPreviewRoutes(createDraftPreviewService({ conversations, translation: translation.nonEssential }), {
    rateLimitStore: limiterStore('preview'),
  });
  const phones = config.messaging
    ? createMessagingChannel({ config: config.messaging, conversations, translations: translation.service, languages: translation.languagesProvider, logger })
    : undefined;
  const voice = config.voice
    ? createVoiceChannel({ config: config.voice, conversations, translations: translation.service, logger, updater: overrides.callUpdater })
    : undefined;
  const i18n = createInterfaceLanguages({ translations: translation.service, logger });
  const widget = createWidgetFeature({ conversations, translation, rateLimitStore: limiterStore, limiters, demo: config.env === 'development', interfaceFor: i18n.localsFor });
  // One message allowance per user for every door (socket, JSON API, form), as the socket limits are set.
  const { messages: messageLimit } = { ...defaultGuardSettings, ...overrides.realtimeGuards };
  const sending = messageSendAllowance(limiters('messages', { points: messageLimit.limit, windowMs: messageLimit.windowMs }), (error) =>
    logger.error({ err: error }, 'message rate limit unavailable; message allowed'),
  );
  const deps: AppDependencies = {
    config,
    logger,
    health: overrides.health ?? { isDatabaseReachable, translation: () => translation.languages.status() },
    auth,
    translation,
    conversations,
    conversationApi: conversationApiRoutes(conversations, { sendLimit: sending.middleware }),
    sendLimit: sending.middleware,
    webhooks: [...(channel.webhookRoutes ? [channel.webhookRoutes(conversations)] : []), ...(phones ? [phones.webhookRoutes] : []), ...(voice ? [voice.webhookRoutes] : [])],
    featureRoutes: [
      assignmentRoutes(conversations),
      ...(phones ? [phones.apiRoutes] : []),
      draftPreview,
      notesRoutes(conversations, { sendLimit: messageSendLimit(limiterStore('notes')) }),
      createSavedRepliesFeature({ conversations }).routes,
      createSearchFeature({ events: conversations.events, logger }).routes,
    ],
    i18n,
    widget,
  };
  return {
    app: createApp(deps),
    deps,
    phones,
    voice,
    async attach(server) {
      const adapter = redis ? await createRedisAdapter(redis, logger) : undefined;
      // A single instance: what the admin CLI changes reaches the recent views as notices.
      const sweeping = [phones?.startSweeping(), voice?.startSweeping(), redis ? undefined : conversations.watchOtherProcesses()];
      void voice?.warm();
      const realtime = attachRealtime(server, {
        feature: conversations,
        sessionMiddleware: auth.sessionMiddleware,
        access: widget.socketAccess(auth),
        authenticate: widget.authenticateSocket,
        guards: { limiters, ...overrides.realtimeGuards, sendAllowance: sending.allow },
        logger,
        trustProxy: config.trustProxy,
        adapter: adapter?.adapter,
      });
      return {
        close: async () => {
          for (const sweep of sweeping) sweep?.stop();
          await realtime.close();
          await adapter?.close();
        },
      };
    },
  };
}

/** The two lines the start-up log prints about what carries and translates messages. */
export function describeComposition(config: Readonly<Config>, composition: Composition, logger: Logger): void {
  logger.info({ translation: describeTranslator(config) }, 'translation configured');
  const { conversations } = composition.deps;
  logger.info({ transport: conversations.transport.kind }, `messages travel over the ${conversations.describe()}`);
}
