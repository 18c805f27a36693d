/**
 * `npm run bench:growth`: does the cost of opening a conversation and of rendering the rep
 * dashboard stay flat as the data grows? On an embedded FerretDB, through the conversations
 * feature's own services (what the pages and socket events call): the newest history page of a
 * conversation holding 100 / 1,000 / 10,000 messages, and the dashboard's first page with
 * 200 / 2,000 / 20,000 conversations (bench/lib/growth-dashboard.ts: the in-process queue built and
 * timed after each growth, then the renders). Each figure is the median of repeated calls after a warm-up.
 * Bounded: the whole run is cut off after a fixed limit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config.js';
import type { User } from '../src/contract/chat.js';
import { createConversationsFeature } from '../src/conversations/index.js';
import { Conversation } from '../src/conversations/conversation.model.js';
import { conversationStore } from '../src/conversations/conversation.store.js';
import type { ConversationView } from '../src/conversations/conversation.view.js';
import { createMessageWriter } from '../src/conversations/message-writer.js';
import { Message } from '../src/conversations/message.model.js';
import { connectDatabase } from '../src/lib/database.js';
import { closeBenchDatabase, runBench } from './lib/run-bench.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { createLogger } from '../src/lib/logger.js';
import { measureDashboard } from './lib/growth-dashboard.js';

const messageSizes = [100, 1_000, 10_000];
const conversationSizes = [200, 2_000, 20_000];
const repeats = 20;
const runLimitMs = 14 * 60_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function timed(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const customer = (i: number) => ({ id: new mongoose.Types.ObjectId(), username: `c${i}`, language: 'ES' });

/**
 * Adds messages until the conversation holds `total`, through the hot path's message writer (its
 * group commit stores them and records them on the conversation, newest ids included), in waves
 * of concurrent sends the writer groups.
 */
async function growMessages(conversation: ConversationView, author: User, total: number): Promise<void> {
  const writer = createMessageWriter();
  const have = await Message.countDocuments({ conversationId: conversation.id });
  for (let start = have; start < total; start += 1_000) {
    const wave = Array.from({ length: Math.min(1_000, total - start) }, (_, k) => ({ clientId: `g-${start + k}`, body: `Mensaje ${start + k}`, language: 'ES', author }));
    await Promise.all(wave.map((message) => writer.write(conversation, message, author)));
  }
}

async function measure(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-session-secret-0123456789abcdef' });
  const feature = createConversationsFeature({ config, logger: createLogger({ level: 'silent' }) });
  const rep: User = { id: new mongoose.Types.ObjectId().toString(), username: 'rep', role: 'rep', language: 'EN-US' };
  const owner = customer(0);
  const author: User = { id: owner.id.toString(), username: owner.username, role: 'customer', language: 'ES' };
  const conversation = await conversationStore.create(author);
  console.log('| messages in the conversation | open it: newest history page (median) |\n|---:|---:|');
  for (const size of messageSizes) {
    await growMessages(conversation, author, size);
    const ms = await timed(() => feature.messaging.history(author, { conversationId: conversation.id }));
    console.log(`| ${size.toLocaleString('en')} | ${ms.toFixed(1)} ms |`);
  }
  await measureDashboard(feature, rep, conversationSizes);
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
    await closeBenchDatabase(database, dataDir);
  }
}

runBench('bench:growth', main);
