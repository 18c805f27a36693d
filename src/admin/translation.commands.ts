import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseConversationId } from '../conversations/index.js';
import {
  createDeeplAccount,
  createGlossaryService,
  createMonthlyBudget,
  createTranslationUsage,
  dayOf,
  glossaryPair,
  monthOf,
  type BudgetStatus,
  type GlossarySummary,
} from '../translation/index.js';
import { createLogger } from '../lib/logger.js';
import type { AdminCommandModule, AdminContext } from './context.js';
import { terminalJson, terminalText } from './terminal-text.js';

interface PairOptions {
  from: string;
  to: string;
}

async function glossaries(context: AdminContext) {
  await context.database();
  return createGlossaryService(createDeeplAccount(context.config.deepl));
}

function describeGlossary(glossary: GlossarySummary): string[] {
  const state = glossary.synced ? `in DeepL as ${glossary.deeplGlossaryId ?? '(empty: none)'}` : 'NOT synchronised to DeepL yet (glossary:sync)';
  const terms = glossary.terms.map((term) => `  ${terminalText(term.source)} → ${terminalText(term.target)}`);
  return [`${glossary.pair}: ${glossary.terms.length} term(s), ${state}`, ...terms];
}

function report(context: AdminContext, glossary: GlossarySummary, what: string): void {
  context.io.out(what);
  describeGlossary(glossary).forEach((line) => context.io.out(line));
}

const pairOf = (options: PairOptions) => glossaryPair(options.from, options.to);

function withPair(command: Command): Command {
  return command
    .requiredOption('--from <language>', 'source language of the terms (EN)')
    .requiredOption('--to <language>', 'target language of the terms (ES)');
}

function registerGlossary(program: Command, context: AdminContext): void {
  program
    .command('glossary:list')
    .description('list the glossaries (term pairs per language pair) and whether DeepL holds them')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await (await glossaries(context)).list();
      if (options.json) context.io.out(terminalJson(list));
      else if (list.length === 0) context.io.out('No glossaries.');
      else list.flatMap(describeGlossary).forEach((line) => context.io.out(line));
    });
  withPair(program.command('glossary:add'))
    .description('add or change a term: SOURCE is always translated as TARGET (the same text to keep a name untranslated)')
    .argument('<source>', 'the term as written in the source language')
    .argument('<target>', 'how it must read in the target language')
    .action(async (source: string, target: string, options: PairOptions) => {
      report(context, await (await glossaries(context)).add(pairOf(options), { source, target }), `Saved "${terminalText(source)}".`);
    });
  withPair(program.command('glossary:remove'))
    .description('remove a term')
    .argument('<source>', 'the source term')
    .action(async (source: string, options: PairOptions) => {
      report(context, await (await glossaries(context)).remove(pairOf(options), source), `Removed "${terminalText(source)}".`);
    });
  withPair(program.command('glossary:import'))
    .description('add or change the terms of a CSV file: source,target per line (a "source,target" header is skipped)')
    .argument('<file>', 'path of the CSV file')
    .action(async (file: string, options: PairOptions) => {
      const csv = await readFile(file, 'utf8');
      report(context, await (await glossaries(context)).importCsv(pairOf(options), csv), `Imported ${terminalText(file)}.`);
    });
  program
    .command('glossary:sync')
    .description('send to DeepL every glossary whose terms changed since it last did')
    .action(async () => {
      const synced = await (await glossaries(context)).syncAll();
      if (synced.length === 0) context.io.out('No glossaries.');
      synced.flatMap(describeGlossary).forEach((line) => context.io.out(line));
    });
}

/** The budget line, and the warning admins get from 80 % on. */
function budgetLines(status: BudgetStatus): string[] {
  if (status.limit === undefined) return ['Monthly budget: none set (TRANSLATION_MONTHLY_CHARACTERS).'];
  const line = `Monthly budget: ${status.used} of ${status.limit} characters (${status.percent ?? 0} %)`;
  if (status.level === 'exhausted') return [line, 'WARNING: the budget is used up: previews and back-translation are refused until next month; messages are still translated.'];
  if (status.level === 'warning') return [line, `WARNING: ${status.percent ?? 0} % of the monthly budget is used; at 100 % previews and back-translation stop.`];
  return [line];
}

async function showUsage(context: AdminContext, options: { conversation?: string; days: string }): Promise<void> {
  await context.database();
  const logger = createLogger({ level: 'silent' });
  const usage = createTranslationUsage({ logger });
  const now = new Date();
  const month = await usage.forMonth(monthOf(now));
  context.io.out(`Characters billed by DeepL (sent by Parley; memory hits cost nothing), ${monthOf(now)}: ${month.characters} in ${month.requests} request(s), of which previews: ${month.previewCharacters}`);
  const budget = createMonthlyBudget({ usage, limit: context.config.translationMonthlyCharacters, logger, now: () => now });
  budgetLines(await budget.status()).forEach((line) => context.io.out(line));
  const days = Math.min(Math.max(Number.parseInt(options.days, 10) || 7, 1), 92);
  for (let back = 0; back < days; back += 1) {
    const day = dayOf(new Date(now.getTime() - back * 86_400_000));
    const figure = await usage.forDay(day);
    context.io.out(`  ${day}: ${figure.characters}${figure.previewCharacters > 0 ? ` (previews ${figure.previewCharacters})` : ''}`);
  }
  if (options.conversation) {
    const id = parseConversationId(options.conversation);
    const figure = await usage.forConversation(id);
    context.io.out(`Conversation ${id}: ${figure.characters}${figure.previewCharacters > 0 ? ` (previews ${figure.previewCharacters})` : ''}`);
  }
  const account = createDeeplAccount(context.config.deepl);
  if (!account) return context.io.out('DeepL is not configured: no account usage to show.');
  const reported = await account.usage();
  const limit = reported.limit === undefined ? 'no limit' : `limit ${reported.limit}`;
  context.io.out(`DeepL's own count this billing period (/v2/usage, every use of the key): ${reported.characters} (${limit})`);
}

/** glossary:list|add|remove|import|sync and usage. */
export const translationCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    registerGlossary(program, context);
    program
      .command('usage')
      .description('characters Parley had DeepL translate: this month, per day, per conversation, and DeepL\'s own figure')
      .option('--days <n>', 'how many days back to list', '7')
      .option('--conversation <id>', 'also the figure of one conversation')
      .action((options: { conversation?: string; days: string }) => showUsage(context, options));
  },
};
