import { Command } from 'commander';
import { createUserService, type UserService } from '../auth/index.js';
import type { Config } from '../config.js';
import { announceConversationChanges, recordConversationChanges } from '../conversations/index.js';
import { AppError } from '../lib/errors.js';
import type { AdminCommandModule, AdminContext, AdminIo } from './context.js';
import type { OpenDatabase } from '../lib/open-database.js';

export interface AdminRuntime {
  context: AdminContext;
  /** Closes the database if a command opened it, after telling the server which conversations it touched. */
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
  // The running server keeps its views of conversations; it forgets the ones this run touched.
  recordConversationChanges();
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
      const opened = await database?.catch(() => undefined);
      if (!opened) return;
      try {
        await announceConversationChanges();
      } finally {
        await opened.close();
      }
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
