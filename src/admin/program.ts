import { Command } from 'commander';
import { createUserService, type UserService } from '../auth/index.js';
import type { Config } from '../config.js';
import { AppError } from '../lib/errors.js';
import type { AdminCommandModule, AdminContext, AdminIo } from './context.js';
import type { OpenDatabase } from '../lib/open-database.js';

export interface AdminRuntime {
  context: AdminContext;
  /** Closes the database if a command opened it. */
  close(): Promise<void>;
}

/** The context commands share, opening the database lazily so `--help` needs none. */
export function createAdminRuntime(
  config: Readonly<Config>,
  io: AdminIo,
  openDatabase: (config: Readonly<Config>) => Promise<OpenDatabase>,
): AdminRuntime {
  let database: Promise<OpenDatabase> | undefined;
  let users: UserService | undefined;
  const context: AdminContext = {
    config,
    io,
    database: async () => {
      database ??= openDatabase(config).then((opened) => {
        io.error(`Using ${opened.description}.`);
        return opened;
      });
      await database;
    },
    users: () => (users ??= createUserService({ bcryptCost: config.bcryptCost })),
  };
  return {
    context,
    close: async () => {
      if (database) await (await database.catch(() => undefined))?.close();
    },
  };
}

export function buildAdminProgram(context: AdminContext, modules: readonly AdminCommandModule[]): Command {
  const program = new Command()
    .name('npm run admin --')
    .description('Parley administration: representative accounts and more.')
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => context.io.out(text.trimEnd()), writeErr: (text) => context.io.error(text.trimEnd()) });
  for (const module of modules) module.register(program, context);
  return program;
}

/** A failure as the operator should read it: the message, and each field's problem. */
export function describeFailure(error: unknown): string {
  if (error instanceof AppError && error.operational) {
    const fields = Object.entries(error.fields ?? {}).map(([field, message]) => `  ${field}: ${message}`);
    return [`Error: ${error.message}`, ...fields].join('\n');
  }
  return `Error: ${error instanceof Error ? error.message : String(error)}`;
}
