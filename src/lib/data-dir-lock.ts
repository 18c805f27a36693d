import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from './errors.js';

export const LOCK_FILE_NAME = 'parley.lock';

export interface DataDirLock {
  release(): void;
}

/** True when `pid` names a running process (EPERM: running, but another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims `dir` for this process: one FerretDB per SQLite directory. The lock file holds the
 * owner's pid; a lock left by a process that no longer runs (a crash, kill -9) is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => releaseIfOurs(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner === undefined) {
      // Empty or garbled: most likely another process is writing it this very moment.
      throw new ConflictError(`Could not read the lock ${path}; if no Parley server runs on ${dir}, delete that file.`);
    }
    if (isAlive(owner)) {
      throw new ConflictError(
        `The embedded database in ${dir} is already in use by process ${owner} (another Parley server?). ` +
          'Stop that process, give this one another DATA_DIR, or set MONGODB_URI.',
      );
    }
    rmSync(path, { force: true });
  }
  throw new ConflictError(`Could not lock ${dir}: another process keeps claiming it.`);
}

function releaseIfOurs(path: string): void {
  if (readOwner(path) === process.pid) rmSync(path, { force: true });
}
