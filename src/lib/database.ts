import mongoose from 'mongoose';
import type { Logger } from './logger.js';

/** Connects the process-wide mongoose connection; models are registered on it. */
export async function connectDatabase(
  uri: string,
  options: { dbName?: string; logger?: Logger; heartbeatFrequencyMS?: number; monitorCommands?: boolean } = {},
) {
  mongoose.set('strictQuery', true);
  // Non-strict filters let an object like {"$gt": ""} reach a query; reject it at the driver too.
  mongoose.set('sanitizeFilter', true);
  await mongoose.connect(uri, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: options.heartbeatFrequencyMS,
    // The driver's command events (tests count the writes a path makes); off unless asked for.
    monitorCommands: options.monitorCommands ?? false,
    autoIndex: true,
  });
  options.logger?.info({ dbName: mongoose.connection.name }, 'database connected');
  return mongoose.connection;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** True when the database answers a ping within the timeout. */
export async function isDatabaseReachable(timeoutMs = 1_500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected || !db) return false;
  const timeout = new Promise<boolean>((done) => setTimeout(() => done(false), timeoutMs).unref());
  const ping = db
    .admin()
    .command({ ping: 1 })
    .then(() => true)
    .catch(() => false);
  return Promise.race([ping, timeout]);
}
