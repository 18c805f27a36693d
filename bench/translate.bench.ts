/**
 * `npm run bench:translate`: what translation costs upstream, the seed tutorial's way and ours,
 * and how fast /translate serves memory hits. Everything runs on loopback: an embedded FerretDB,
 * the local DeepL (test/support/deepl-server.ts, driven by the real deepl-node) and the app
 * listening on 127.0.0.1. Bounded: each load phase stops after BENCH_SECONDS (default 5) or
 * BENCH_MAX_REQUESTS (default 50,000) requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import mongoose from 'mongoose';
import { createUserService, type Role } from '../src/auth/index.js';
import { connectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { errorMiddleware } from '../src/lib/error-middleware.js';
import { closeServer, listen } from '../src/lib/http-server.js';
import {
  createDeeplTranslator,
  createTranslationFeature,
  translationRoutes,
  type TranslationFeature,
} from '../src/translation/index.js';
import { buildTestApp, memoryLogger, testConfig } from '../test/support/app.js';
import { extractCsrfToken } from '../test/support/auth.js';
import { startDeeplServer, type DeeplServer } from '../test/support/deepl-server.js';

const messageCount = 200;
const renders = 5;
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const maxRequests = Number(process.env.BENCH_MAX_REQUESTS ?? 50_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Reader {
  language: string;
  cookie: string;
  token: string;
}

interface Message {
  text: string;
  language: string;
}

const customerLines = ['Hola, necesito ayuda con mi pedido número', 'Mi paquete no ha llegado todavía, referencia', 'Gracias por su paciencia, el código es'];
const repLines = ['Hello, I am sorry to hear that. Could you confirm order', 'I have checked the shipment status for reference', 'Thank you, I have issued a refund for'];

/** A two-language support conversation: the customer writes Spanish, the rep English. */
function conversation(): Message[] {
  return Array.from({ length: messageCount }, (_, index) => {
    const customer = index % 2 === 0;
    const lines = customer ? customerLines : repLines;
    return { text: `${lines[index % lines.length]} ${1000 + index}.`, language: customer ? 'ES' : 'EN-US' };
  });
}

async function login(baseUrl: string, role: Role, language: string): Promise<Reader> {
  const username = `bench_${role}_${Math.random().toString(36).slice(2, 8)}`;
  const password = 'correct horse battery';
  await createUserService({ bcryptCost: 4 }).createUser(role, { username, password, language });
  const page = await fetch(`${baseUrl}/auth/${role}/login`);
  let cookie = page.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
  const form = new URLSearchParams({ username, password, _csrf: extractCsrfToken(await page.text()) });
  const loggedIn = await fetch(`${baseUrl}/auth/${role}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (loggedIn.status !== 303) throw new Error(`login answered ${loggedIn.status}`);
  cookie = loggedIn.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ') || cookie;
  const account = await fetch(`${baseUrl}/account`, { headers: { cookie, accept: 'text/html' } });
  return { language, cookie, token: extractCsrfToken(await account.text()) };
}

async function postTranslate(baseUrl: string, reader: Reader, body: object): Promise<unknown> {
  const res = await fetch(`${baseUrl}/translate`, {
    method: 'POST',
    headers: { cookie: reader.cookie, 'x-csrf-token': reader.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`/translate answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** (a) The seed tutorial: every rendered message is one /translate call, one DeepL call each. */
async function seedWay(deepl: DeeplServer, messages: Message[], readers: string[]): Promise<void> {
  const translator = createDeeplTranslator({ authKey: 'bench', serverUrl: deepl.url, timeoutMs: 2_500 });
  for (let render = 0; render < renders; render++) {
    for (const target of readers) {
      await inBatches(messages, 10, (message) => translator.translate([message.text], target));
    }
  }
}

/** (b) Ours: one batch request per author language per render; the server keeps translations. */
async function ourWay(baseUrl: string, messages: Message[], readers: Reader[]): Promise<void> {
  const byLanguage = new Map<string, string[]>();
  for (const message of messages) byLanguage.set(message.language, [...(byLanguage.get(message.language) ?? []), message.text]);
  for (let render = 0; render < renders; render++) {
    for (const reader of readers) {
      for (const [source, texts] of byLanguage) {
        await postTranslate(baseUrl, reader, { texts, target_lang: reader.language, source_lang: source });
      }
    }
  }
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/** A lighter client than fetch for the load phases, so the client's own cost disturbs less. */
function postForLoad(url: string, reader: Reader, body: object): Promise<void> {
  const payload = JSON.stringify(body);
  const headers = {
    cookie: reader.cookie,
    'x-csrf-token': reader.token,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  };
  return new Promise((done, fail) => {
    const req = request(`${url}/translate`, { method: 'POST', agent: keepAlive, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? done() : fail(new Error(`/translate answered ${res.statusCode}`))));
    });
    req.on('error', fail);
    req.end(payload);
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(run));
}

interface LoadResult {
  requests: number;
  elapsedMs: number;
  latencies: number[];
}

/** Closed-loop load: `concurrency` clients each send the next request when the last one answered. */
async function load(send: (index: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < stopAt && next < maxRequests) {
      const index = next++;
      const sent = performance.now();
      await send(index);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { requests: latencies.length, elapsedMs: performance.now() - started, latencies };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function describeLoad(label: string, result: LoadResult): string {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const rate = (result.requests / result.elapsedMs) * 1000;
  return `${label.padEnd(38)} ${String(result.requests).padStart(7)} req in ${(result.elapsedMs / 1000).toFixed(1)} s  ${rate.toFixed(0).padStart(6)} req/s  p50 ${percentile(sorted, 50).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms`;
}

/**
 * The translation routes alone, behind a stand-in for a logged-in session: separates the cost of
 * translation (parsing, validation, limits, memory) from the session store and user lookup.
 */
function translationOnlyApp(translation: TranslationFeature): express.Express {
  const app = express();
  app.use(express.json({ limit: '128kb' }));
  app.use((req, _res, next) => {
    req.user = { id: 'bench-user', username: 'bench', role: 'customer', language: 'ES' };
    next();
  });
  app.use(translationRoutes(translation));
  app.use(errorMiddleware({ exposeInternals: false }));
  return app;
}

/** An echo route with the same parser and client: what this machine does with no work at all. */
function echoApp(): express.Express {
  const app = express();
  app.use(express.json({ limit: '128kb' }));
  app.post('/translate', (req, res) => {
    res.json({ response_text: (req.body as { text?: unknown }).text });
  });
  return app;
}

async function listenOnLoopback(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await listen(app, { port: 0, host: '127.0.0.1' });
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

const row = (label: string, requests: number, characters: number) =>
  `${label.padEnd(44)} ${String(requests).padStart(9)} ${characters.toLocaleString('en').padStart(16)}`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const database = await startEmbeddedMongo({ dataDir });
  const deepl = await startDeeplServer();
  const servers: Server[] = [];
  try {
    await connectDatabase(database.uri, { dbName: 'parley_bench' });
    await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
    const config = testConfig({ DEEPL_SERVER_URL: deepl.url });
    const { logger } = memoryLogger('warn');
    const limits = { requestsPerWindow: 10_000_000, charactersPerWindow: 1_000_000_000, windowMs: 60_000 };
    const translation = createTranslationFeature({ config, logger, limits });
    const full = await listenOnLoopback(buildTestApp({ config, logger, translation }));
    const bare = await listenOnLoopback(translationOnlyApp(translation));
    const echo = await listenOnLoopback(echoApp());
    servers.push(full.server, bare.server, echo.server);
    const baseUrl = full.url;
    const messages = conversation();
    const totalCharacters = messages.reduce((sum, message) => sum + message.text.length, 0);

    console.log(`\nRendering a ${messageCount}-message Spanish/English conversation ${renders} times for 2 readers (ES customer, EN-US rep)`);
    console.log(`${''.padEnd(44)} ${'requests'.padStart(9)} ${'characters sent'.padStart(16)}  (upstream, to DeepL)`);
    await seedWay(deepl, messages, ['ES', 'EN-US']);
    console.log(row('(a) seed tutorial: one call per message', deepl.translateRequests, deepl.characters));
    deepl.resetCounts();
    const readers = [await login(baseUrl, 'customer', 'ES'), await login(baseUrl, 'rep', 'EN-US')];
    const started = performance.now();
    await ourWay(baseUrl, messages, readers);
    const ourMs = performance.now() - started;
    console.log(row('(b) ours: batch + memory + same-language skip', deepl.translateRequests, deepl.characters));
    console.log(`    each message once into the other language would be ${totalCharacters.toLocaleString('en')} characters; (b) took ${ourMs.toFixed(0)} ms for ${renders * 2 * 2} /translate calls`);

    deepl.resetCounts();
    const [customer] = readers;
    if (!customer) throw new Error('no reader');
    const englishTexts = messages.filter((message) => message.language === 'EN-US').map((message) => message.text);
    console.log(`\n/translate on memory hits (HTTP on loopback, ${concurrency} concurrent clients, ≤${seconds} s or ${maxRequests.toLocaleString('en')} requests each)`);
    const phases: [string, string, (index: number) => object][] = [
      ['single text, whole app', baseUrl, (index) => ({ text: englishTexts[index % englishTexts.length], target_lang: 'ES', source_lang: 'EN' })],
      ['batch of 50, whole app', baseUrl, (index) => ({ texts: englishTexts.slice((index % 2) * 50, (index % 2) * 50 + 50), target_lang: 'ES', source_lang: 'EN' })],
      ['single text, translation routes only', bare.url, (index) => ({ text: englishTexts[index % englishTexts.length], target_lang: 'ES', source_lang: 'EN' })],
      ['batch of 50, translation routes only', bare.url, (index) => ({ texts: englishTexts.slice((index % 2) * 50, (index % 2) * 50 + 50), target_lang: 'ES', source_lang: 'EN' })],
      ['baseline: echo route, no translation', echo.url, (index) => ({ text: englishTexts[index % englishTexts.length] })],
    ];
    for (const [label, url, body] of phases) {
      console.log(describeLoad(label, await load((index) => postForLoad(url, customer, body(index)))));
    }
    console.log(`upstream requests during the load phases: ${deepl.requests}\n`);
  } finally {
    await Promise.all(servers.map((server) => closeServer(server, 1_000)));
    await mongoose.disconnect();
    await deepl.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
