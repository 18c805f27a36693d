import type { AppDependencies } from './app.js';
import { createAuth, createSessionStore, resolveSessionSecret } from './auth/index.js';
import type { Server } from 'node:http';
import type { Config } from './config.js';
import { createConversationsFeature } from './conversations/index.js';
import { isDatabaseReachable } from './lib/database.js';
import type { Logger } from './lib/logger.js';
import { rateLimitStores } from './lib/rate-limit-store.js';
import { closeRedis, connectRedis } from './lib/redis.js';
import { attachRealtime } from './realtime/index.js';
import { createRedisAdapter } from './realtime/redis-adapter.js';
import { createTranslationFeature, describeTranslator } from './translation/index.js';

/** What the running process owns besides the app's dependencies: things to close on shutdown. */
export interface Composition {
  deps: AppDependencies;
  /** Attaches what needs the listening HTTP server (Socket.IO); returns how to stop it before the server closes. */
  attach(server: Server): { close(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The composition root: builds every feature's dependencies from configuration, once, for the
 * real server. Tests build their own (test/support/app.ts) from the same factories.
 */
export async function composeApplication(config: Readonly<Config>, logger: Logger): Promise<Composition> {
  // Several instances share rate-limit counters and Socket.IO rooms through Redis (REDIS_URL).
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const realtimeAdapter = redis ? await createRedisAdapter(redis, logger) : undefined;
  const limiterStore = rateLimitStores(redis);
  const translation = createTranslationFeature({ config, logger, rateLimitStore: limiterStore('translate') });
  logger.info({ translation: describeTranslator(config) }, 'translation configured');
  void translation.languages.check(); // asks DeepL once now, so a refused DEEPL_AUTH_KEY is an error at start-up
  const auth = createAuth({
    config,
    languages: translation.languagesProvider,
    sessionStore: createSessionStore({ maxAgeMs: config.session.maxAgeMs, cacheMs: config.session.cacheMs }),
    sessionSecret: resolveSessionSecret(config),
    rateLimits: { store: limiterStore },
  });
  const conversations = createConversationsFeature({ config, logger, translations: translation.service });
  logger.info({ transport: conversations.transport.kind }, `messages travel over the ${conversations.describe()}`);
  const deps: AppDependencies = { config, logger, health: { isDatabaseReachable, translation: () => translation.languages.status() }, auth, translation, conversations };
  return {
    deps,
    attach: (server) =>
      attachRealtime(server, { feature: conversations, sessionMiddleware: auth.sessionMiddleware, access: auth, logger, trustProxy: config.trustProxy, adapter: realtimeAdapter?.adapter }),
    close: async () => {
      await realtimeAdapter?.close();
      if (redis) await closeRedis(redis);
    },
  };
}
