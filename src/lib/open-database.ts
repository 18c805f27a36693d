import { join } from 'node:path';
import type { Config } from '../config.js';
import { connectDatabase, disconnectDatabase } from './database.js';
import { EMBEDDED_HEARTBEAT_MS, findEmbeddedDatabaseProcess, startEmbeddedMongo, type EmbeddedMongo } from './embedded-mongo.js';
import type { Logger } from './logger.js';

/** The database name the server and the admin CLI use on the embedded server. */
export const EMBEDDED_DATABASE_NAME = 'parley';

export interface OpenDatabase {
  /** Where the data was found, for the operator: never includes credentials. */
  description: string;
  close(): Promise<void>;
}

/**
 * The address of an embedded database a running server already started on this data
 * directory. Two FerretDB processes must not share one SQLite directory, so the CLI then talks to
 * the running one. Looks at /proc, so this detection works on Linux only.
 */
export function findRunningEmbeddedDatabase(dbDir: string, procDir = '/proc'): string | undefined {
  return findEmbeddedDatabaseProcess(dbDir, procDir)?.address;
}

/**
 * Connects mongoose to MONGODB_URI, else to the embedded database under DATA_DIR: started here,
 * or, with `reuseRunning` (the admin CLI), the one a running server already started there.
 */
export async function openDatabase(
  config: Readonly<Pick<Config, 'mongodbUri' | 'dataDir'>>,
  options: { logger?: Logger; reuseRunning?: boolean } = {},
): Promise<OpenDatabase> {
  const { logger } = options;
  if (config.mongodbUri) {
    await connectDatabase(config.mongodbUri, { logger });
    return { description: 'MONGODB_URI', close: disconnectDatabase };
  }
  const dbDir = join(config.dataDir, 'db');
  const running = options.reuseRunning ? findRunningEmbeddedDatabase(dbDir) : undefined;
  if (running) {
    await connectDatabase(`mongodb://${running}`, { dbName: EMBEDDED_DATABASE_NAME, logger });
    return { description: `the running server's embedded database (${dbDir})`, close: disconnectDatabase };
  }
  const embedded: EmbeddedMongo = await startEmbeddedMongo({ dataDir: dbDir, logger });
  try {
    await connectDatabase(embedded.uri, { dbName: EMBEDDED_DATABASE_NAME, logger, heartbeatFrequencyMS: EMBEDDED_HEARTBEAT_MS });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    description: `the embedded database (${dbDir})`,
    close: async () => {
      await disconnectDatabase();
      await embedded.stop();
    },
  };
}
