import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_DATABASE_NAME, findRunningEmbeddedDatabase } from '../../src/lib/open-database.js';
import { startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { uniqueUsername } from '../support/auth.js';
import { runTs } from '../support/process.js';

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

async function cli(dataDir: string, args: string[], stdin = '') {
  const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', BCRYPT_COST: '4', DATA_DIR: dataDir }, args);
  run.child.stdin.end(stdin);
  const code = await run.exited;
  return { code, output: run.output() };
}

describe('admin CLI: which database it uses without MONGODB_URI', { timeout: 120_000 }, () => {
  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('when a process serves the embedded database of DATA_DIR, then its address is found', () => {
    const proc = tempDir('parley-proc-');
    const dbDir = '/srv/parley/data/db';
    mkdirSync(join(proc, '123'));
    writeFileSync(join(proc, '123', 'cmdline'), ['node', 'server.js', ''].join('\0'));
    mkdirSync(join(proc, '456'));
    writeFileSync(
      join(proc, '456', 'cmdline'),
      ['ferretdb', '--handler=sqlite', `--sqlite-url=file:${dbDir}/`, '--listen-addr=127.0.0.1:40123', ''].join('\0'),
    );
    expect(findRunningEmbeddedDatabase(dbDir, proc)).toBe('127.0.0.1:40123');
    expect(findRunningEmbeddedDatabase('/srv/other/db', proc)).toBeUndefined();
  });

  it('when the server already runs the embedded database, then the CLI uses that one instead of starting another', async () => {
    const dataDir = tempDir('parley-admin-running-');
    const embedded = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
    const connection = mongoose.createConnection(embedded.uri, { dbName: EMBEDDED_DATABASE_NAME });
    try {
      const username = uniqueUsername('rep');
      const run = await cli(dataDir, ['rep:create', '--username', username, '--language', 'EN-GB', '--password-stdin'], 'a long enough password');
      expect(run.output).toContain("Using the running server's embedded database");
      expect(run.code).toBe(0);
      const stored = await connection.asPromise().then((c) => c.collection('users').findOne({ usernameKey: username.toLowerCase() }));
      expect(stored?.role).toBe('rep');
    } finally {
      await connection.close();
      await embedded.stop();
    }
  });

  it('when no server runs, then the CLI starts the embedded database itself and stops it afterwards', async () => {
    const dataDir = tempDir('parley-admin-alone-');
    const run = await cli(dataDir, ['rep:list']);
    expect(run.output).toContain('Using the embedded database');
    expect(run.output).toContain('No reps yet');
    expect(run.code).toBe(0);
    expect(findRunningEmbeddedDatabase(join(dataDir, 'db'))).toBeUndefined();
  });
});
