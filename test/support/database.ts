import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase, searchDatabase } from '../../src/lib/database.js';
import { inboxConnection } from '../../src/lib/durable-inbox.js';

/** The server URI the run uses (embedded FerretDB or MONGODB_URI). */
export function testServerUri(): string {
  return inject('mongodbUri');
}

/** The run's server URI naming one database (for a child process's MONGODB_URI). */
export function testDatabaseUri(dbName: string): string {
  const uri = new URL(testServerUri());
  uri.pathname = `/${dbName}`;
  return uri.toString();
}

export function uniqueDatabaseName(prefix = 'test'): string {
  return `parley_${prefix}_${randomBytes(4).toString('hex')}`;
}

/**
 * Connects mongoose to a database of this test file's own, and drops it afterwards, so test files
 * run in parallel without seeing each other's data.
 */
export function useTestDatabase(prefix = 'test', options: { monitorCommands?: boolean } = {}): { name: string } {
  const handle = { name: uniqueDatabaseName(prefix) };
  beforeAll(async () => {
    await connectDatabase(testServerUri(), { dbName: handle.name, monitorCommands: options.monitorCommands });
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  });
  afterAll(async () => {
    // The webhooks' inboxes and the search index have databases of their own, named after this one.
    await inboxConnection().dropDatabase().catch(() => undefined);
    await searchDatabase().dropDatabase().catch(() => undefined);
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });
  return handle;
}

const writeCommands = ['insert', 'update', 'findAndModify', 'delete'] as const;

/**
 * Counts the write commands the driver sends to one collection from now on (connect with
 * `useTestDatabase(prefix, { monitorCommands: true })`), with what each one asked for.
 */
export function countWrites(collection: string) {
  const writes: Record<string, unknown>[] = [];
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    const name = writeCommands.find((command) => command === event.commandName);
    if (name && event.command[name] === collection) writes.push(event.command);
  };
  const client = mongoose.connection.getClient();
  client.on('commandStarted', listener);
  return { writes, stop: () => void client.off('commandStarted', listener) };
}
