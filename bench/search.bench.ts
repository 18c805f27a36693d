/**
 * `npm run bench:search`: how long a rep's search takes on 10,000 conversations / 200,000
 * messages in the embedded FerretDB, through the search feature's own service (what GET /search
 * calls), with the word → ids index (search_postings: originals, translations made on write,
 * customers' names) as the app builds it, written in bulk. Queries: a word in ~1% of messages, two words together, a word nobody wrote
 * (its one lookup finds nothing), a customer's name; and two references measured in the same
 * run: the same word as a regular expression over the original text (the alternative approach),
 * and a lookup by _id (what the machine does at all while others share it); and the cost of
 * indexing one new message. Prints p50 / p99 per query. Bounded: the whole run is cut off after a fixed limit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import type { User } from '../src/contract/chat.js';
import { searchSources } from '../src/conversations/index.js';
import { Conversation } from '../src/conversations/conversation.model.js';
import { Message } from '../src/conversations/message.model.js';
import { connectDatabase } from '../src/lib/database.js';
import { closeBenchDatabase, runBench } from './lib/run-bench.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { createLogger } from '../src/lib/logger.js';
import { searchTerms } from '../src/lib/search-terms.js';
import { createSearchIndex, createSearchService, POSTINGS_KEPT, searchPostings } from '../src/search/index.js';

const conversations = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const messagesPerConversation = Number(process.env.BENCH_MESSAGES_PER_CONVERSATION ?? 20);
const repeats = Number(process.env.BENCH_REPEATS ?? 30);
const batchSize = 5_000;
const runLimitMs = 20 * 60_000;

// 500 made-up Spanish-looking words, each with its "English" translation: a word is in ~1.2% of messages.
const syllables = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ru', 'sa', 'te', 'vi', 'zo', 'che', 'lla', 'que', 'rra', 'ño', 'ga'];
const vocabulary = Array.from({ length: 500 }, (_, i) => `${syllables[i % 20]}${syllables[Math.floor(i / 20) % 20]}${syllables[(i * 7) % 20]}`);
const english = (word: string) => `en${word}`;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

/** A deterministic pseudo-random sequence: the same data on every run. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function seed(): Promise<void> {
  const random = sequence(42);
  const started = performance.now();
  const ids = Array.from({ length: conversations }, () => new mongoose.Types.ObjectId());
  // The index as the app builds it from the pipeline's events, written at once: word → ids.
  const postings = new Map<string, string[]>();
  for (let start = 0; start < conversations; start += batchSize) {
    const batch = ids.slice(start, start + batchSize).map((id, k) => {
      const at = new Date(Date.now() - (start + k) * 60_000);
      const customer = { id: new mongoose.Types.ObjectId(), username: `customer_${start + k}`, language: 'ES' };
      postings.set('c:customer', postings.get('c:customer') ?? []);
      postings.get('c:customer')!.push(id.toString());
      postings.set(`c:${start + k}`, [id.toString()]);
      return { _id: id, customer, openKey: customer.id.toString(), status: 'open', lastActivityAt: at, lastMessagePreview: 'Hola', lastMessageLanguage: 'ES', messageCount: messagesPerConversation, unread: {}, reps: [], transportId: null, closedAt: null, createdAt: at, updatedAt: at };
    });
    await Conversation.insertMany(batch, { lean: true });
  }
  const total = conversations * messagesPerConversation;
  for (let start = 0; start < total; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, total - start) }, (_, k) => {
      const n = start + k;
      const words = Array.from({ length: 6 }, () => vocabulary[Math.floor(random() * vocabulary.length)]!);
      const body = words.join(' ');
      const _id = new mongoose.Types.ObjectId();
      for (const term of new Set([...searchTerms(body), ...searchTerms(words.map(english).join(' '))])) {
        const list = postings.get(term) ?? [];
        list.push(_id.toString());
        postings.set(term, list);
      }
      return {
        _id, conversationId: ids[n % conversations], clientId: `s-${n}`, authorId: new mongoose.Types.ObjectId(), authorName: 'c', authorRole: 'customer',
        body, language: 'ES', kind: 'message', transportSid: null, deliveryFailedAt: null, createdAt: new Date(),
      };
    });
    await Message.insertMany(batch, { lean: true });
    if ((start / batchSize) % 8 === 0) process.stdout.write(`  seeded ${(start + batch.length).toLocaleString('en')} messages\r`);
  }
  const documents = [...postings].map(([term, list]) => ({ _id: term, ids: list.slice(-POSTINGS_KEPT) }));
  for (let start = 0; start < documents.length; start += 100) await searchPostings().insertMany(documents.slice(start, start + 100), { lean: true });
  console.log(`Seeded ${conversations.toLocaleString('en')} conversations and ${total.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

const timed = (label: string, work: () => Promise<unknown>) => timedRuns(label, repeats, work);

async function timedRuns(label: string, runs: number, work: () => Promise<unknown>): Promise<void> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  console.log(`| ${label} | ${percentile(times, 50).toFixed(1)} ms | ${percentile(times, 99).toFixed(1)} ms |`);
}

async function measure(): Promise<void> {
  await seed();
  const index = createSearchIndex(createLogger({ level: 'silent' }));
  const service = createSearchService(searchSources, index);
  const rep: User = { id: new mongoose.Types.ObjectId().toString(), username: 'rep', role: 'rep', language: 'EN-US' };
  const word = vocabulary[123]!;
  const anyId = (await Message.findOne({}).lean())!._id;
  console.log(`\n${repeats} runs each after a warm-up.\n\n| query | p50 | p99 |\n|---|---:|---:|`);
  await timed(`reference: one message by _id`, () => Message.findById(anyId).lean());
  await timed(`a Spanish word in ~1% of messages ("${word}")`, () => service.search(rep, word));
  await timed(`its English translation ("${english(word)}")`, () => service.search(rep, english(word)));
  await timed('two words together', () => service.search(rep, `${word} ${vocabulary[321]!}`));
  await timed('a word nobody wrote', () => service.search(rep, 'zzqxnothing'));
  await timed('a customer\'s name ("customer_9876")', () => service.search(rep, 'customer_9876'));
  await timed('indexing one new message (original + translation)', async () => {
    const id = new mongoose.Types.ObjectId().toString();
    await index.add(id, `${word} ${vocabulary[7]!} hola`);
    await index.add(id, `${english(word)} ${english(vocabulary[7]!)} hello`);
  });
  // The alternative without an index: a scan of every message (fewer runs: each reads them all).
  const scanRuns = Math.max(3, Math.floor(repeats / 10));
  await timedRuns(`reference: the same word as a regex over the original text (${scanRuns} runs)`, scanRuns, () =>
    Message.find({ body: mongoose.trusted({ $regex: new RegExp(word, 'i') }) }).sort({ _id: -1 }).limit(50).lean());
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'));
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  let timer: NodeJS.Timeout | undefined;
  try {
    await connectDatabase(database.uriFor('parley_search'));
    await Promise.all([Conversation.init(), Message.init(), searchPostings().init()]);
    const overrun = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`bench:search exceeded its ${runLimitMs / 60_000} min limit`)), runLimitMs);
    });
    await Promise.race([measure(), overrun]);
  } finally {
    clearTimeout(timer);
    await closeBenchDatabase(database, dataDir);
  }
}

runBench('bench:search', main);
