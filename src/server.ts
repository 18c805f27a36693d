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
  const [{ createApp }, { composeApplication }, { openDatabase }, http] = await Promise.all([
    import('./app.js'),
    import('./composition.js'),
    import('./lib/open-database.js'),
    import('./lib/http-server.js'),
  ]);
  const database = await openDatabase(config, { logger });
  try {
    const composition = await composeApplication(config, logger);
    const server = await http.listen(createApp(composition.deps), { port: config.port, host: config.host });
    const realtime = composition.attach(server);
    logger.info({ port: config.port, env: config.env }, `Parley listening on http://localhost:${config.port}`);

    http.onShutdownSignal(logger, async () => {
      await realtime.close();
      await http.closeServer(server, config.shutdownTimeoutMs);
      await composition.close();
      await database.close();
      logger.info('shutdown complete');
    });
  } catch (error) {
    await database.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
