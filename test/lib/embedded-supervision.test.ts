import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { findEmbeddedDatabaseProcess, startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { memoryLogger } from '../support/app.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-supervised-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((done) => setTimeout(done, 50));
};

describe('embedded database supervision', { timeout: 60_000 }, () => {
  it('when FerretDB is killed, then it comes back on the same port with the data written before', async () => {
    const dir = tempDir();
    const { logger, lines } = memoryLogger();
    const database = await startEmbeddedMongo({ dataDir: dir, logger });
    const connection = await mongoose.createConnection(database.uri, { dbName: 'kept' }).asPromise();
    try {
      await connection.collection('notes').insertOne({ slug: 'before-crash' });
      const firstPid = database.pid();
      process.kill(firstPid!, 'SIGKILL');
      await until(() => lines().some((line) => line.includes('embedded database restarted')));
      expect(database.pid()).not.toBe(firstPid);
      expect(findEmbeddedDatabaseProcess(dir)?.address).toBe(`127.0.0.1:${database.port}`);
      expect(await connection.collection('notes').findOne({ slug: 'before-crash' })).toBeTruthy();
    } finally {
      await connection.close();
      await database.stop();
    }
  });

  it('when it is stopped while waiting to restart, then no FerretDB is left running', async () => {
    const dir = tempDir();
    const { logger, lines } = memoryLogger();
    const database = await startEmbeddedMongo({ dataDir: dir, logger });
    process.kill(database.pid()!, 'SIGKILL');
    await until(() => lines().some((line) => line.includes('exited unexpectedly')));
    await database.stop();
    await new Promise((done) => setTimeout(done, 1_000));
    expect(findEmbeddedDatabaseProcess(dir)).toBeUndefined();
    expect(lines().some((line) => line.includes('embedded database restarted'))).toBe(false);
  });
});
