import type { Command } from 'commander';
import { announceHandEdits, createConversationsFeature, parseConversationId, type ConversationView } from '../conversations/index.js';
import { createLogger } from '../lib/logger.js';
import { chooseMessageChannel, createTwilioRestClient, serviceSidResolver, setUpTwilioRoles, setUpTwilioWebhooks } from '../twilio/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';
import { terminalJson, terminalText } from './terminal-text.js';

function describeRow(view: ConversationView): string {
  const reps = view.reps.map((rep) => terminalText(rep.username)).join(',') || '-';
  const preview = view.lastMessagePreview ? ` "${terminalText(view.lastMessagePreview.slice(0, 60))}"` : '';
  return [
    view.id,
    view.status.padEnd(6),
    view.lastActivityAt.toISOString(),
    `customer=${terminalText(view.customer.username)} (${terminalText(view.customer.language)})`,
    `reps=${reps}`,
    `messages=${view.messageCount}${preview}`,
  ].join('  ');
}

/** The conversations feature on the CLI's database, with the transport the server would choose. */
async function conversationsFor(context: AdminContext) {
  await context.database();
  // Command output is the report; the feature's own log lines would only interleave with it.
  const logger = createLogger({ level: 'silent' });
  const { transport } = chooseMessageChannel(context.config, logger);
  return createConversationsFeature({ config: context.config, logger, transport }).conversations;
}

async function listConversations(context: AdminContext, options: { status?: string; json?: boolean }): Promise<void> {
  if (options.status !== undefined && options.status !== 'open' && options.status !== 'closed') {
    throw new Error('--status must be "open" or "closed"');
  }
  const list = await (await conversationsFor(context)).admin.list({ status: options.status });
  if (options.json) context.io.out(terminalJson(list));
  else if (list.length === 0) context.io.out('No conversations.');
  else list.forEach((view) => context.io.out(describeRow(view)));
}

async function setUpTwilio(context: AdminContext): Promise<void> {
  const twilio = context.config.twilio;
  if (!twilio) throw new Error('Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET.');
  const client = createTwilioRestClient(twilio);
  const serviceSid = await serviceSidResolver(client, twilio.conversationsServiceSid)();
  const report = await setUpTwilioRoles(client, serviceSid);
  report.lines.forEach((line) => context.io.out(line));
  const webhookLines = await setUpTwilioWebhooks(client, serviceSid, twilio.publicUrl);
  webhookLines.forEach((line) => context.io.out(line));
}

/** conversations:list|close|delete|resync and twilio:setup. */
export const conversationCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('conversations:list')
      .description('list conversations, open first, newest activity first')
      .option('--status <status>', 'only "open" or "closed" conversations')
      .option('--json', 'print JSON instead of one line per conversation')
      .action((options: { status?: string; json?: boolean }) => listConversations(context, options));

    program
      .command('conversations:close')
      .description('close a conversation: it takes no new messages; the customer may start a new one')
      .argument('<id>', 'conversation id')
      .action(async (id: string) => {
        const closed = await (await conversationsFor(context)).admin.close(parseConversationId(id));
        context.io.out(`Closed conversation ${closed.id} (customer "${terminalText(closed.customer.username)}").`);
      });

    program
      .command('conversations:delete')
      .description('delete a conversation and its messages (and the Twilio conversation with the Twilio transport)')
      .argument('<id>', 'conversation id')
      .action(async (id: string) => {
        const removed = await (await conversationsFor(context)).admin.remove(parseConversationId(id));
        const twilio = context.config.twilio ? ` and Twilio conversation ${removed.transportId ?? removed.id}` : '';
        context.io.out(`Deleted conversation ${removed.id} (customer "${terminalText(removed.customer.username)}")${twilio}.`);
      });

    program
      .command('conversations:resync')
      .description("after editing conversations in the database by hand: the running server rebuilds its dashboard queue before its next dashboard")
      .action(async () => {
        await context.database();
        await announceHandEdits();
        context.io.out('The server reads every conversation again within a few seconds.');
      });

    program
      .command('twilio:setup')
      .description("create or update the restricted Twilio Conversations roles and point the service's webhooks at PUBLIC_URL")
      .action(() => setUpTwilio(context));
  },
};
