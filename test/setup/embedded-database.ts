import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
  }
}

/**
 * One database server for the whole run: MONGODB_URI when set, otherwise the embedded FerretDB
 * in a temporary directory. Each test file then uses a database of its own on it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI;
  if (external) {
    project.provide('mongodbUri', external);
    return async () => {};
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-db-'));
  const embedded = await startEmbeddedMongo({ dataDir });
  project.provide('mongodbUri', embedded.uri);
  return async () => {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
