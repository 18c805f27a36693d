import type { Command } from 'commander';
import type { UserService } from '../auth/index.js';
import type { Config } from '../config.js';

/** How commands talk to the person at the terminal. */
export interface AdminIo {
  out(line: string): void;
  error(line: string): void;
  /**
   * A secret typed at a hidden prompt (asked twice when `confirm`), or read from standard input
   * with `fromStdin`. Secrets never come from argv, which other users can see in `ps`.
   */
  readSecret(prompt: string, options: { fromStdin: boolean; confirm: boolean }): Promise<string>;
}

/** What every command module receives. The database is opened only when a command needs it. */
export interface AdminContext {
  config: Readonly<Config>;
  io: AdminIo;
  /** Connects mongoose (like the server does) on first call; later calls reuse it. */
  database(): Promise<void>;
  users(): UserService;
}

/**
 * A feature's command group (`rep:*`, `conversation:*`, `twilio:*`): it adds its commands to
 * the program. List it in src/admin/commands.ts.
 */
export interface AdminCommandModule {
  register(program: Command, context: AdminContext): void;
}
