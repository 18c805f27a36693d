import type { Command } from 'commander';
import type { UserSummary } from '../auth/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';

interface UsernameOptions {
  username: string;
}

interface PasswordOptions extends UsernameOptions {
  passwordStdin?: boolean;
}

function formatRep(rep: UserSummary): string {
  const status = rep.disabled ? 'disabled' : 'active';
  const lastLogin = rep.lastLoginAt ? rep.lastLoginAt.toISOString() : 'never';
  return [rep.username.padEnd(32), rep.language.padEnd(8), status.padEnd(9), lastLogin].join(' ');
}

async function listReps(context: AdminContext, options: { json?: boolean }): Promise<void> {
  await context.database();
  const reps = await context.users().listUsers('rep');
  if (options.json) {
    context.io.out(JSON.stringify(reps.map(({ id, username, language, disabled, createdAt, lastLoginAt }) => ({ id, username, language, disabled, createdAt, lastLoginAt }))));
    return;
  }
  if (!reps.length) {
    context.io.out('No reps yet. Create one with: npm run admin -- rep:create --username NAME --language EN-US');
    return;
  }
  context.io.out(['USERNAME'.padEnd(32), 'LANGUAGE'.padEnd(8), 'STATUS'.padEnd(9), 'LAST LOGIN'].join(' '));
  for (const rep of reps) context.io.out(formatRep(rep));
}

function setDisabled(context: AdminContext, disabled: boolean) {
  return async (options: UsernameOptions) => {
    await context.database();
    const rep = await context.users().setDisabled('rep', options.username, disabled);
    context.io.out(disabled ? `Disabled rep "${rep.username}"; their open sessions have ended.` : `Enabled rep "${rep.username}" (they log in again).`);
  };
}

export const repCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('rep:create')
      .description('create a representative account (the password is asked for, never passed as an argument)')
      .requiredOption('--username <username>', '3–32 letters, digits, _ . or -')
      .requiredOption('--language <code>', 'DeepL target language code, e.g. EN-US, DE, PT-BR')
      .option('--password-stdin', 'read the password from standard input instead of a prompt')
      .action(async (options: PasswordOptions & { language: string }) => {
        const password = await context.io.readSecret('Password', { fromStdin: Boolean(options.passwordStdin), confirm: true });
        await context.database();
        const rep = await context.users().createUser('rep', { username: options.username, password, language: options.language });
        context.io.out(`Created rep "${rep.username}" (${rep.language}). They log in at /auth/rep/login.`);
      });

    program
      .command('rep:list')
      .description('list representative accounts')
      .option('--json', 'print JSON instead of a table')
      .action((options: { json?: boolean }) => listReps(context, options));

    program
      .command('rep:disable')
      .description('disable a rep: they cannot log in and their open sessions end')
      .requiredOption('--username <username>', 'the rep to disable')
      .action(setDisabled(context, true));

    program
      .command('rep:enable')
      .description('enable a disabled rep again (their old sessions stay ended)')
      .requiredOption('--username <username>', 'the rep to enable')
      .action(setDisabled(context, false));

    program
      .command('rep:reset-password')
      .description('set a new password for a rep and end their open sessions (asked for, never passed as an argument)')
      .requiredOption('--username <username>', 'the rep whose password to reset')
      .option('--password-stdin', 'read the password from standard input instead of a prompt')
      .action(async (options: PasswordOptions) => {
        const password = await context.io.readSecret('New password', { fromStdin: Boolean(options.passwordStdin), confirm: true });
        await context.database();
        const rep = await context.users().resetPassword('rep', options.username, password);
        context.io.out(`Password reset for rep "${rep.username}"; their open sessions have ended.`);
      });
  },
};
