import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lockDataDir } from './data-dir-lock.js';
import { ConflictError } from './errors.js';
import { freePort, superviseLocalServer } from './local-server.js';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';

export { freePort };

export interface EmbeddedMongo {
  /** The server's connection string, with the client options that suit it (see below). */
  uri: string;
  /** The same, naming a database (for MONGODB_URI): `uriFor('parley')`. */
  uriFor(dbName: string): string;
  port: number;
  /** The FerretDB process now serving (it changes when a restart follows a crash). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * SQLite lets one transaction write at a time and makes the others wait by sleeping and
 * retrying, which is unfair: with the driver's default of 100 connections, concurrent writes saw
 * p99 ≈ 0.9 s at the same throughput where 8 connections queue in the driver, in order, with a
 * p99 ≈ 0.1 s (measured with 32 concurrent writers). A real MongoDB keeps the driver default.
 */
const EMBEDDED_POOL_SIZE = 8;

/**
 * SQLite in WAL mode with synchronous=NORMAL: a commit is not fsynced by itself, so a crash of
 * the app or of the database process loses nothing, while a power cut or OS crash may lose the
 * last moments of writes (the files stay consistent). That is what a standalone MongoDB does
 * without `j: true`, and it made writes 30–100 % faster here.
 */
const SQLITE_OPTIONS = '?_pragma=synchronous(normal)';

/**
 * After a crash the driver only notices the restarted database at its next heartbeat (10 s by
 * default); the process is local, so checking every second costs nothing. A client option, not
 * in `uri`, so callers may still add their own `heartbeatFrequencyMS` to the connection string.
 */
export const EMBEDDED_HEARTBEAT_MS = 1_000;

/** The binary `scripts/embedded-db.mjs --ensure` builds. */
export function ferretdbBinary(): string {
  const candidate = join(projectRoot, '.cache', 'ferretdb', 'ferretdb');
  if (existsSync(candidate)) return candidate;
  throw new Error(
    'The embedded database is not built yet: run `node scripts/embedded-db.mjs --ensure`, ' +
      'or set MONGODB_URI to use your own MongoDB.',
  );
}

/** A FerretDB process serving the SQLite directory `dbDir`, found in /proc (Linux only). */
export function findEmbeddedDatabaseProcess(dbDir: string, procDir = '/proc'): { pid: number; address: string } | undefined {
  const sqliteArg = `--sqlite-url=file:${resolve(dbDir)}/`;
  const isOurs = (arg: string) => arg === sqliteArg || arg.startsWith(`${sqliteArg}?`);
  let pids: string[];
  try {
    pids = readdirSync(procDir).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(join(procDir, pid, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!args.some(isOurs)) continue;
    const listen = args.find((arg) => arg.startsWith('--listen-addr='));
    if (listen) return { pid: Number(pid), address: listen.slice('--listen-addr='.length) };
  }
  return undefined;
}

/**
 * Starts FerretDB (SQLite backend) on 127.0.0.1, keeping its files under `dataDir`, and resolves
 * once it accepts connections. The directory is locked for this process (two FerretDB processes
 * must not share one SQLite directory), and the process is supervised: if it dies, the exit is
 * logged and it is started again on the same port and directory; mongoose reconnects by itself.
 */
export async function startEmbeddedMongo(options: {
  dataDir: string;
  port?: number;
  logger?: Logger;
  /** host:port for FerretDB's debug handler (/debug/pprof, for profiling); off by default. */
  debugAddr?: string;
}): Promise<EmbeddedMongo> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    // The owner of a lock taken over may have been killed without stopping its FerretDB.
    const leftOver = findEmbeddedDatabaseProcess(dataDir);
    if (leftOver) {
      throw new ConflictError(
        `A FerretDB process (pid ${leftOver.pid}) still serves ${dataDir}, left over by a server that was killed: stop it (kill ${leftOver.pid}) and start again.`,
      );
    }
    const port = options.port ?? (await freePort());
    const server = await superviseLocalServer({
      name: 'The embedded database',
      command: ferretdbBinary(),
      args: ferretdbArgs(dataDir, port, options.debugAddr),
      port,
      logger: options.logger,
    });
    options.logger?.info({ port, dataDir }, 'embedded database (FerretDB) started');
    const uriFor = (dbName: string) => `mongodb://127.0.0.1:${port}/${dbName}?maxPoolSize=${EMBEDDED_POOL_SIZE}`;
    const stop = async () => {
      await server.stop();
      lock.release();
    };
    return { uri: uriFor(''), uriFor, port, pid: () => server.pid, stop };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function ferretdbArgs(dataDir: string, port: number, debugAddr = '-'): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/${SQLITE_OPTIONS}`,
    `--state-dir=${dataDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--debug-addr=${debugAddr}`,
    '--telemetry=disable',
    '--log-level=error',
  ];
}
