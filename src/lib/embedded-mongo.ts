import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, startLocalServer } from './local-server.js';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';

export { freePort };

export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/** The binary `scripts/embedded-db.mjs --ensure` builds. */
export function ferretdbBinary(): string {
  const candidate = join(projectRoot, '.cache', 'ferretdb', 'ferretdb');
  if (existsSync(candidate)) return candidate;
  throw new Error(
    'The embedded database is not built yet: run `node scripts/embedded-db.mjs --ensure`, ' +
      'or set MONGODB_URI to use your own MongoDB.',
  );
}

/**
 * Starts FerretDB (SQLite backend) on 127.0.0.1, keeping its files under `dataDir`, and resolves
 * once it accepts connections.
 */
export async function startEmbeddedMongo(options: {
  dataDir: string;
  port?: number;
  logger?: Logger;
}): Promise<EmbeddedMongo> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const server = await startLocalServer({
    name: 'The embedded database',
    command: ferretdbBinary(),
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    port,
  });
  options.logger?.info({ port, dataDir }, 'embedded database (FerretDB) started');
  return { uri: `mongodb://127.0.0.1:${port}`, port, stop: server.stop };
}
