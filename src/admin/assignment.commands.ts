import type { Command } from 'commander';
import { createConversationsFeature, parseConversationId, repDirectoryFrom, type ConversationView } from '../conversations/index.js';
import { createLogger } from '../lib/logger.js';
import { chooseMessageChannel } from '../twilio/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';
import { terminalJson, terminalText } from './terminal-text.js';

/** The conversations feature on the CLI's database, with the active reps as hand-over targets. */
async function featureFor(context: AdminContext) {
  await context.database();
  const logger = createLogger({ level: 'silent' });
  const { transport } = chooseMessageChannel(context.config, logger);
  return createConversationsFeature({ config: context.config, logger, transport, announceChanges: true, reps: repDirectoryFrom(context.users()) });
}

function describeOwner(view: ConversationView): string {
  const owner = view.assignee ? terminalText(view.assignee.username) : '-';
  const since = view.assignee ? ` since ${view.assignee.since}` : '';
  return `${view.id}  owner=${owner}${since}  customer=${terminalText(view.customer.username)}  last=${view.lastActivityAt.toISOString()}`;
}

async function listAssignments(context: AdminContext, options: { json?: boolean }): Promise<void> {
  const feature = await featureFor(context);
  const [open, team] = await Promise.all([feature.conversations.admin.list({ status: 'open' }), feature.assignment.team()]);
  if (options.json) {
    const rows = open.map((view) => ({ id: view.id, customer: view.customer.username, assignee: view.assignee, lastActivityAt: view.lastActivityAt }));
    context.io.out(terminalJson({ conversations: rows, team }));
    return;
  }
  if (open.length === 0) context.io.out('No open conversations.');
  open.forEach((view) => context.io.out(describeOwner(view)));
  context.io.out(`Reps: ${team.map((member) => `${terminalText(member.username)} (${member.availability})`).join(', ') || 'none'}`);
}

async function assign(context: AdminContext, id: string, options: { rep?: string; none?: boolean }): Promise<void> {
  if (Boolean(options.rep) === Boolean(options.none)) throw new Error('Give either --rep NAME or --none.');
  const feature = await featureFor(context);
  const updated = await feature.assignment.admin.assign(parseConversationId(id), options.none ? null : (options.rep ?? null));
  await feature.assignmentLinesWritten();
  const owner = updated.assignee ? `"${terminalText(updated.assignee.username)}"` : 'nobody (unassigned)';
  context.io.out(`Conversation ${updated.id} (customer "${terminalText(updated.customer.username)}") is now owned by ${owner}.`);
}

/** conversations:assignments and conversations:assign. */
export const assignmentCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('conversations:assignments')
      .description('list open conversations with their owner, and whether each rep is available or away')
      .option('--json', 'print JSON instead of one line per conversation')
      .action((options: { json?: boolean }) => listAssignments(context, options));

    program
      .command('conversations:assign')
      .description('give an open conversation to an available rep (the customer is told), or back to the unassigned queue')
      .argument('<id>', 'conversation id')
      .option('--rep <username>', 'the rep who owns it from now on')
      .option('--none', 'nobody: back to the unassigned queue')
      .action((id: string, options: { rep?: string; none?: boolean }) => assign(context, id, options));
  },
};
