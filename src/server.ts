import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './lib/logger.js';

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

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  // Loaded after the configuration is known to be valid, so a bad setting fails fast.
  const [{ composeApplication, describeComposition }, { openDatabase }, http, redisClient] = await Promise.all([
    import('./composition.js'),
    import('./lib/open-database.js'),
    import('./lib/http-server.js'),
    import('./lib/redis.js'),
  ]);
  const database = await openDatabase(config, { logger });
  const redis = config.redisUrl ? await redisClient.connectRedis(config.redisUrl, logger).catch(async (error: unknown) => {
    await database.close();
    throw error;
  }) : undefined;
  const closeInfrastructure = async () => {
    if (redis) await redisClient.closeRedis(redis);
    await database.close();
  };
  try {
    const composition = composeApplication(config, logger, { redis });
    describeComposition(config, composition, logger);
    const server = await http.listen(composition.app, { port: config.port, host: config.host });
    const realtime = await composition.attach(server);
    logger.info({ port: config.port, env: config.env }, `Parley listening on http://localhost:${config.port}`);

    http.onShutdownSignal(logger, async () => {
      await realtime.close();
      await http.closeServer(server, config.shutdownTimeoutMs);
      await closeInfrastructure();
      logger.info('shutdown complete');
    });
  } catch (error) {
    await closeInfrastructure();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
