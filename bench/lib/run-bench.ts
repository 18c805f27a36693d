import { rmSync } from 'node:fs';
import { disconnectDatabase } from '../../src/lib/database.js';

/** Runs a benchmark's main and ends the process: 0 when it finished, 1 (with the error) when it failed. */
export function runBench(label: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`${label} failed:`, error);
      process.exit(1);
    },
  );
}

/** After a benchmark on its own embedded database: disconnect, stop the database, remove its files. */
export async function closeBenchDatabase(database: { stop(): Promise<void> }, dataDir: string): Promise<void> {
  await disconnectDatabase();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
