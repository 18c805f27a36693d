import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './lib/logger.js';

function readConfig(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** The database (embedded or MONGODB_URI) and Redis when configured: what the app is given, connected. */
async function connectInfrastructure(config: Readonly<Config>, logger: Logger) {
  const [{ openDatabase }, redisClient] = await Promise.all([import('./lib/open-database.js'), import('./lib/redis.js')]);
  const database = await openDatabase(config, { logger });
  try {
    const redis = config.redisUrl ? await redisClient.connectRedis(config.redisUrl, logger) : undefined;
    return {
      redis,
      close: async () => {
        if (redis) await redisClient.closeRedis(redis);
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  // Loaded after the configuration is known to be valid, so a bad setting fails fast.
  const [{ composeApplication, describeComposition }, http] = await Promise.all([import('./composition.js'), import('./lib/http-server.js')]);
  const infrastructure = await connectInfrastructure(config, logger);
  try {
    const composition = composeApplication(config, logger, { redis: infrastructure.redis });
    describeComposition(config, composition, logger);
    const server = await http.listen(composition.app, { port: config.port, host: config.host });
    const realtime = await composition.attach(server);
    logger.info({ port: config.port, env: config.env }, `Parley listening on http://localhost:${config.port}`);
    // One server keeps the dashboard's queue in memory: built now, not by the first rep's dashboard.
    void composition.deps.conversations.prepareDashboard().then(
      (built) => built && logger.info(built, 'dashboard queue built'),
      (error: unknown) => logger.warn({ err: error }, 'dashboard queue not built at start: the first dashboard builds it'),
    );

    http.onShutdownSignal(logger, async () => {
      await realtime.close();
      await http.closeServer(server, config.shutdownTimeoutMs);
      await infrastructure.close();
      logger.info('shutdown complete');
    });
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
