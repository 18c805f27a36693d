import { buildAdminProgram } from '../../src/admin/program.js';
import { commandModules } from '../../src/admin/commands.js';
import type { AdminContext } from '../../src/admin/context.js';
import { createUserService } from '../../src/auth/index.js';
import type { Config } from '../../src/config.js';

/** `npm run admin -- <args>` in this process, on the test file's database (already connected). */
export async function runAdmin(config: Readonly<Config>, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const context: AdminContext = {
    config,
    io: {
      out: (line) => lines.push(line),
      error: (line) => lines.push(line),
      readSecret: () => Promise.reject(new Error('no secrets in these tests')),
    },
    database: async () => {},
    users: () => createUserService({ bcryptCost: config.bcryptCost }),
  };
  const program = buildAdminProgram(context, commandModules).exitOverride();
  await program.parseAsync(args, { from: 'user' });
  return lines;
}
