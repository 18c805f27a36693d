/**
 * `npm run bench:growth`: does the cost of opening a conversation and of rendering the rep
 * dashboard stay flat as the data grows? On an embedded FerretDB, through the conversations
 * feature's own services (what the pages and socket events call): the newest history page of a
 * conversation holding 100 / 1,000 / 10,000 messages, and the dashboard's first page with
 * 200 / 2,000 / 20,000 conversations. Each figure is the median of repeated calls after a warm-up.
 * Messages are written through the chat's own writer (their history pages with them); conversations
 * are bulk-inserted and then put in the dashboard's queue by the admin reindex's own function.
 * Bounded: the whole run is cut off after a fixed limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config.js';
import type { User } from '../src/contract/chat.js';
import { createConversationsFeature } from '../src/conversations/index.js';
import { Conversation } from '../src/conversations/conversation.model.js';
import { Message } from '../src/conversations/message.model.js';
import { createMessageWriter } from '../src/conversations/message-writer.js';
import { conversationStore } from '../src/conversations/conversation.store.js';
import { conversationQueue } from '../src/conversations/conversation-queue.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { createLogger } from '../src/lib/logger.js';

// `--quick`: the two smaller sizes only (while working; the figures to record are the full run's).
const quick = process.argv.includes('--quick');
const messageSizes = quick ? [100, 1_000] : [100, 1_000, 10_000];
const conversationSizes = quick ? [200, 2_000] : [200, 2_000, 20_000];
const repeats = 20;
const runLimitMs = 14 * 60_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Median of `times` calls after `warmUp` (the references, scans at the largest sizes, take fewer). */
async function timed(work: () => Promise<unknown>, calls = repeats, warmUp = 3): Promise<number> {
  for (let i = 0; i < warmUp; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const customer = (i: number) => ({ id: new mongoose.Types.ObjectId(), username: `c${i}`, language: 'ES' });

/** Adds conversations until there are `total`, in batches (the embedded database takes them in chunks). */
async function growConversations(total: number): Promise<void> {
  const have = await Conversation.estimatedDocumentCount();
  for (let start = have; start < total; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, total - start) }, (_, k) => {
      const c = customer(start + k);
      const at = new Date(Date.now() - (start + k) * 1000);
      return { customer: c, openKey: c.id.toString(), status: (start + k) % 3 === 0 ? 'closed' : 'open', lastActivityAt: at, lastMessagePreview: 'Hola', lastMessageLanguage: 'ES', messageCount: 1, unread: { team: 1 }, reps: [], transportId: null, closedAt: null, createdAt: at, updatedAt: at };
    });
    await Conversation.insertMany(batch, { lean: true });
  }
  // Bulk-inserted rows are not in the dashboard's queue yet: what `npm run admin -- conversations:reindex` does.
  await conversationStore.rebuildQueue();
}

/** Adds messages until there are `total`, through the chat's own writer (group commit: messages, history pages, counters). */
async function growMessages(conversationId: string, author: User, total: number): Promise<void> {
  const writer = createMessageWriter();
  const have = await Message.countDocuments({ conversationId });
  for (let start = have; start < total; start += 1_000) {
    const conversation = await conversationStore.findById(conversationId);
    if (!conversation) throw new Error('the bench conversation is gone');
    const sizes = Array.from({ length: Math.min(1_000, total - start) }, (_, k) => start + k);
    await Promise.all(sizes.map((n) => writer.write(conversation, { clientId: `g-${n}`, body: `Mensaje ${n}`, language: 'ES', author }, author)));
  }
}

async function measure(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-session-secret-0123456789abcdef' });
  const feature = createConversationsFeature({ config, logger: createLogger({ level: 'silent' }) });
  const rep: User = { id: new mongoose.Types.ObjectId().toString(), username: 'rep', role: 'rep', language: 'EN-US' };
  const owner = customer(0);
  const author: User = { id: owner.id.toString(), username: owner.username, role: 'customer', language: 'ES' };
  const conversation = await conversationStore.create(author);
  console.log('| messages in the conversation | open it: newest history page (median) | scroll up: the page before the middle one | reference: the newest page by query |\n|---:|---:|---:|---:|');
  for (const size of messageSizes) {
    await growMessages(conversation.id, author, size);
    const ms = await timed(() => feature.messaging.history(author, { conversationId: conversation.id }));
    // Scrolling up: the page before the message in the middle of the conversation.
    const middle = await Message.findOne({ conversationId: conversation.id, clientId: `g-${size / 2}` }).lean();
    const before = middle?._id.toString();
    const upMs = await timed(() => feature.messaging.history(author, { conversationId: conversation.id, before }));
    // Reference in the same run: the query the page made before history pages (a scan on FerretDB).
    const queryMs = await timed(() => Message.find({ conversationId: conversation.id }).sort({ _id: -1 }).limit(51).lean(), 5, 1);
    console.log(`| ${size.toLocaleString('en')} | ${ms.toFixed(1)} ms | ${upMs.toFixed(1)} ms | ${queryMs.toFixed(1)} ms |`);
  }
  console.log('\n| conversations | render the dashboard: first page of 100 (median) | reference: its queries before the queue |\n|---:|---:|---:|');
  for (const size of conversationSizes) {
    await growConversations(size);
    const ms = await timed(() => feature.conversations.dashboard(rep));
    // Reference in the same run: the queries the dashboard made before the queue (scans on FerretDB).
    const queryMs = await timed(() =>
      Promise.all([
        Conversation.find({}).sort({ status: -1, lastActivityAt: -1 }).limit(101).lean(),
        Conversation.countDocuments({ status: 'open', 'assignee.id': rep.id }),
        Conversation.countDocuments({ status: 'open', assignee: null }),
        Conversation.countDocuments({ status: 'open' }),
      ]),
      5,
      1,
    );
    console.log(`| ${size.toLocaleString('en')} | ${ms.toFixed(1)} ms | ${queryMs.toFixed(1)} ms |`);
    // Where the time goes: the queue's shards (every open conversation) and the page's rows by _id.
    const queue = (await conversationQueue.read()) ?? [];
    const readMs = await timed(() => conversationQueue.read());
    const rowsMs = await timed(() => conversationStore.findByIds(queue.slice(0, 101).map((entry) => entry.id)));
    console.log(`|   of which: read the queue (${queue.length.toLocaleString('en')} open) | ${readMs.toFixed(1)} ms | |\n|   of which: 101 rows by _id | ${rowsMs.toFixed(1)} ms | |`);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-growth-'));
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  let timer: NodeJS.Timeout | undefined;
  try {
    await connectDatabase(database.uriFor('parley_growth'));
    await Promise.all([Conversation.init(), Message.init()]);
    const overrun = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`bench:growth exceeded its ${runLimitMs / 60_000} min limit`)), runLimitMs);
    });
    await Promise.race([measure(), overrun]);
  } finally {
    clearTimeout(timer);
    await disconnectDatabase();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench:growth failed:', error);
    process.exit(1);
  },
);
