// `npm run admin -- <command>`: the administration tool. Works whether or not the server runs.
import { ConfigError, loadConfig } from '../config.js';
import { commandModules } from './commands.js';
import type { AdminIo } from './context.js';
import { openDatabase } from '../lib/open-database.js';
import { buildAdminProgram, createAdminRuntime, describeFailure } from './program.js';
import { readSecret } from './prompt.js';

const io: AdminIo = {
  out: (line) => console.log(line),
  error: (line) => console.error(line),
  readSecret,
};

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.error(error.message);
      return 1;
    }
    throw error;
  }
  const runtime = createAdminRuntime(config, io, (settings) => openDatabase(settings, { reuseRunning: true }));
  try {
    await buildAdminProgram(runtime.context, commandModules).parseAsync(process.argv);
    return 0;
  } catch (error) {
    io.error(describeFailure(error));
    return 1;
  } finally {
    await runtime.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.error(describeFailure(error));
    process.exitCode = 1;
  },
);
