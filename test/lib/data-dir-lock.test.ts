import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/lib/data-dir-lock.js';
import { startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { ConflictError } from '../../src/lib/errors.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The pid of a process that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;

describe('one embedded database per data directory', { timeout: 60_000 }, () => {
  it('when a second database is started on a directory in use, then it is refused with a clear message, and allowed once the first stops', async () => {
    const dir = tempDir();
    const first = await startEmbeddedMongo({ dataDir: dir });
    const refused = await startEmbeddedMongo({ dataDir: dir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toContain(`${dir} is already in use by process ${process.pid}`);
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(process.pid));

    await first.stop();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    const again = await startEmbeddedMongo({ dataDir: dir });
    await again.stop();
  });

  it('when the lock was left by a process that no longer runs, then it is taken over', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE_NAME), `${deadPid()}\n`);
    const database = await startEmbeddedMongo({ dataDir: dir });
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(process.pid));
    await database.stop();
  });

  it('when the lock file cannot be read (being written, or garbled), then it is not taken over and the message says what to delete', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE_NAME), '');
    const refused = await startEmbeddedMongo({ dataDir: dir }).catch((error: unknown) => error);
    expect((refused as Error).message).toContain(`Could not read the lock ${join(dir, LOCK_FILE_NAME)}`);
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')).toBe('');
  });

  it('when a killed server left its FerretDB running, then a new start refuses and names that process', async () => {
    const dir = tempDir();
    const orphan = await startEmbeddedMongo({ dataDir: dir });
    try {
      writeFileSync(join(dir, LOCK_FILE_NAME), `${deadPid()}\n`);
      const refused = await startEmbeddedMongo({ dataDir: dir }).catch((error: unknown) => error);
      expect((refused as Error).message).toContain(`A FerretDB process (pid ${orphan.pid()}) still serves ${dir}`);
    } finally {
      writeFileSync(join(dir, LOCK_FILE_NAME), `${process.pid}\n`);
      await orphan.stop();
    }
  });
});
