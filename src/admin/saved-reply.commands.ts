import type { Command } from 'commander';
import { isBuiltInTargetLanguage } from '../contract/languages.js';
import { createSavedReplyService, parseSavedReply, type SavedReplyView } from '../saved-replies/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';
import { terminalJson, terminalText } from './terminal-text.js';

interface AddOptions {
  name: string;
  language?: string;
  rep?: string;
  private?: boolean;
}

function describeReply(reply: SavedReplyView): string {
  const scope = reply.shared ? 'shared' : 'private';
  return `${reply.id}  /${terminalText(reply.name)}  ${terminalText(reply.language)}  ${scope}  by ${terminalText(reply.ownerName)}  "${terminalText(reply.body.slice(0, 60))}"`;
}

async function service(context: AdminContext) {
  await context.database();
  return createSavedReplyService();
}

/** Whose reply it is: a rep's (in their language), or the team's (shared, in --language). */
async function ownerFor(context: AdminContext, options: AddOptions) {
  if (options.rep) {
    await context.database();
    const key = options.rep.toLowerCase();
    const rep = (await context.users().listUsers('rep')).find((user) => user.username.toLowerCase() === key);
    if (!rep) throw new Error(`No rep account named "${terminalText(options.rep)}".`);
    return { id: rep.id, name: rep.username, language: rep.language };
  }
  const language = options.language?.toUpperCase();
  if (!language || !isBuiltInTargetLanguage(language)) throw new Error('A team reply needs --language, a DeepL target code (EN-US, DE, ES).');
  return { id: null, name: 'team', language };
}

async function addReply(context: AdminContext, body: string, options: AddOptions): Promise<void> {
  const owner = await ownerFor(context, options);
  const input = parseSavedReply({ name: options.name, body, shared: !options.private });
  const reply = await (await service(context)).admin.add(input, owner);
  context.io.out(`Saved /${terminalText(reply.name)} (${reply.shared ? 'shared' : 'private'}, ${reply.language}) as ${reply.id}.`);
}

/** replies:list|add|remove: the team's saved replies from the command line. */
export const savedReplyCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('replies:list')
      .description('list every saved reply (team, shared and private ones)')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }) => {
        const list = await (await service(context)).admin.list();
        if (options.json) context.io.out(terminalJson(list));
        else if (list.length === 0) context.io.out('No saved replies.');
        else list.forEach((reply) => context.io.out(describeReply(reply)));
      });
    program
      .command('replies:add')
      .description('add a saved reply: shared with the team (--language), or a rep\'s own (--rep, in their language)')
      .requiredOption('--name <name>', 'short name reps type after / (letters, digits, - and _)')
      .option('--language <code>', 'language the team reply is written in (EN-US, DE, ES)')
      .option('--rep <username>', 'the rep who keeps it')
      .option('--private', 'only that rep sees it (with --rep)')
      .argument('<body>', 'the reply; {{customer.name}} and {{rep.name}} are filled in when used')
      .action((body: string, options: AddOptions) => addReply(context, body, options));
    program
      .command('replies:remove')
      .description('remove a saved reply')
      .argument('<id>', 'saved reply id (replies:list shows it)')
      .action(async (id: string) => {
        const removed = await (await service(context)).admin.remove(id);
        context.io.out(`Removed /${terminalText(removed.name)}.`);
      });
  },
};
