import mongoose from 'mongoose';
import type { Logger } from './logger.js';

/**
 * The webhooks' inboxes' database, named after the main one (`parley` → `parley_inbox`). With the
 * embedded FerretDB a database is one SQLite file with one writer at a time: in a file of their
 * own, the webhooks' inserts never wait behind the conversations' and messages' writes. On MongoDB
 * it is an ordinary second database (the account needs readWrite on it too).
 */
export const inboxDatabaseName = (main: string) => `${main}_inbox`;

// A client of its own, with a small pool: a webhook answers once its insert is done, and on the
// main client's pool that insert queued behind the work earlier webhooks started (bench:sms --trace).
const INBOX_POOL_SIZE = 4;
let inbox: mongoose.Connection | undefined;

/** The inboxes' connection: their own client once connectDatabase ran; the main client's before. */
export function inboxDatabase(): mongoose.Connection {
  return inbox ?? mongoose.connection.useDb(inboxDatabaseName(mongoose.connection.name), { useCache: true });
}

/**
 * The search index's database (`parley` → `parley_search`): its postings are rewritten once a
 * second, tens of words per flush, and on the embedded FerretDB that flush held the one SQLite
 * writer every message's group commit waits for (bench:chat --find-capacity --trace). On MongoDB
 * an ordinary second database (the account needs readWrite on it too).
 */
export const searchDatabaseName = (main: string) => `${main}_search`;

// A client of its own rather than the inboxes': their small pool stays the webhooks' alone (a
// webhook answers once its insert is done), and the flush and reps' lookups wait in neither the
// main pool's queue nor the inboxes'. One flush at a time, a few lookups: two connections.
const SEARCH_POOL_SIZE = 2;
let search: mongoose.Connection | undefined;

/** The search index's connection: its own client once connectDatabase ran; the main client's before. */
export function searchDatabase(): mongoose.Connection {
  return search ?? mongoose.connection.useDb(searchDatabaseName(mongoose.connection.name), { useCache: true });
}

/** Connects the process-wide mongoose connection (models are registered on it), the inboxes' own and the search index's. */
export async function connectDatabase(
  uri: string,
  options: { dbName?: string; logger?: Logger; heartbeatFrequencyMS?: number; monitorCommands?: boolean } = {},
) {
  mongoose.set('strictQuery', true);
  // Non-strict filters let an object like {"$gt": ""} reach a query; reject it at the driver too.
  mongoose.set('sanitizeFilter', true);
  const common = {
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: options.heartbeatFrequencyMS,
    // The driver's command events (tests count the writes a path makes); off unless asked for.
    monitorCommands: options.monitorCommands ?? false,
    autoIndex: true,
  };
  await mongoose.connect(uri, { ...common, dbName: options.dbName });
  const dbName = inboxDatabaseName(mongoose.connection.name);
  [inbox, search] = await Promise.all([
    mongoose.createConnection(uri, { ...common, dbName, maxPoolSize: INBOX_POOL_SIZE }).asPromise(),
    mongoose.createConnection(uri, { ...common, dbName: searchDatabaseName(mongoose.connection.name), maxPoolSize: SEARCH_POOL_SIZE }).asPromise(),
  ]);
  options.logger?.info({ dbName: mongoose.connection.name }, 'database connected');
  return mongoose.connection;
}

export async function disconnectDatabase(): Promise<void> {
  // Closes every connection mongoose made, the inboxes' and the search index's too.
  await mongoose.disconnect();
  inbox = undefined;
  search = undefined;
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
