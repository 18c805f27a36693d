import { join } from 'node:path';
import { createApp } from './app.js';
import { composeApplication } from './composition.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase, disconnectDatabase } from './lib/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from './lib/embedded-mongo.js';
import { closeServer, listen, onShutdownSignal } from './lib/http-server.js';
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

async function openDatabase(config: Readonly<Config>, logger: Logger): Promise<EmbeddedMongo | undefined> {
  if (config.mongodbUri) {
    await connectDatabase(config.mongodbUri, { logger });
    return undefined;
  }
  const embedded = await startEmbeddedMongo({ dataDir: join(config.dataDir, 'db'), logger });
  await connectDatabase(embedded.uri, { dbName: 'parley', logger });
  return embedded;
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  const embedded = await openDatabase(config, logger);
  const composition = await composeApplication(config, logger);
  const app = createApp(composition.deps);
  const server = await listen(app, { port: config.port, host: config.host });
  logger.info({ port: config.port, env: config.env }, `Parley listening on http://localhost:${config.port}`);

  onShutdownSignal(logger, async () => {
    await closeServer(server, config.shutdownTimeoutMs);
    await composition.close();
    await disconnectDatabase();
    await embedded?.stop();
    logger.info('shutdown complete');
  });
}

main().catch((error: unknown) => {
  console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
