/**
 * `npm run bench:translate`: what translation costs upstream, the seed tutorial's way and ours,
 * and how fast /translate serves memory hits. Everything runs on loopback: an embedded FerretDB,
 * the local DeepL (test/support/deepl-server.ts, driven by the real deepl-node), the app as its own
 * process (src/server.ts, production mode) and two reference servers (bench/lib/baseline-server.ts).
 * Bounded: each load phase runs for BENCH_SECONDS (default 5) after a 1 s warm-up. BENCH_CPU_PROF=1
 * profiles the app's process and prints its hottest packages and functions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createUserService, type Role } from '../src/auth/index.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { createDeeplTranslator } from '../src/translation/index.js';
import { extractCsrfToken } from '../test/support/auth.js';
import { startDeeplServer, type DeeplServer } from '../test/support/deepl-server.js';
import { summariseCpuProfile } from './lib/cpu-profile.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';

const messageCount = 200;
const renders = 5;
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
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

interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * Closed-loop HTTP load from autocannon (in this process; the servers run in their own): each of
 * `concurrency` keep-alive connections sends the next POST /translate when the last one answered,
 * cycling through `bodies`. Anything but 200 fails the run.
 */
async function load(url: string, reader: Reader, bodies: object[], duration = seconds): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/translate`,
    connections: concurrency,
    duration,
    headers: { cookie: reader.cookie, 'x-csrf-token': reader.token, 'content-type': 'application/json' },
    requests: bodies.map((body) => ({ method: 'POST' as const, body: JSON.stringify(body) })),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} answers other than 2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const elapsedSeconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return { requests: result.requests.total, perSecond: result.requests.total / elapsedSeconds, p50: result.latency.p50, p99: result.latency.p99 };
}

function describeLoad(label: string, result: LoadResult): string {
  return `${label.padEnd(38)} ${String(result.requests).padStart(7)} req  ${result.perSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms`;
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(run));
}

const row = (label: string, requests: number, characters: number) =>
  `${label.padEnd(44)} ${String(requests).padStart(9)} ${characters.toLocaleString('en').padStart(16)}`;

const serverEnv = (mongodbUri: string, deeplUrl: string, dataDir: string): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
  BCRYPT_COST: '4',
  MONGODB_URI: mongodbUri,
  DEEPL_SERVER_URL: deeplUrl,
  DATA_DIR: dataDir,
  // The per-user limits would otherwise stop one reader long before the machine does.
  TRANSLATE_REQUESTS_PER_MINUTE: '100000000',
  TRANSLATE_CHARACTERS_PER_MINUTE: '1000000000',
});

async function upstreamCost(deepl: DeeplServer, baseUrl: string, messages: Message[]): Promise<Reader[]> {
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
  return readers;
}

type Servers = Record<'app' | 'routes' | 'echo', ServerProcess>;

/** What each server spends with nobody calling (timers, database heartbeats): part of every phase's figure. */
async function idleCpu(servers: Servers): Promise<void> {
  const before = Object.entries(servers).map(([name, server]) => [name, server, server.cpuMs()] as const);
  const idleSeconds = 3;
  await new Promise((done) => setTimeout(done, idleSeconds * 1000));
  const figures = before.map(([name, server, cpu]) => `${name} ${((server.cpuMs() - cpu) / idleSeconds).toFixed(0)} ms/s`);
  console.log(`\nidle CPU, nobody calling (${idleSeconds} s): ${figures.join(', ')}`);
}

async function memoryHits(deepl: DeeplServer, servers: Servers, reader: Reader, messages: Message[]) {
  deepl.resetCounts();
  const englishTexts = messages.filter((message) => message.language === 'EN-US').map((message) => message.text);
  const single = englishTexts.map((text) => ({ text, target_lang: 'ES', source_lang: 'EN' }));
  const batches = [0, 50].map((start) => ({ texts: englishTexts.slice(start, start + 50), target_lang: 'ES', source_lang: 'EN' }));
  await idleCpu(servers);
  console.log(`\n/translate on memory hits (HTTP on loopback, autocannon, ${concurrency} connections, ${seconds} s each after a 1 s warm-up; each server is its own process)`);
  const phases: [string, ServerProcess, object[]][] = [
    ['single text, whole app', servers.app, single],
    ['batch of 50, whole app', servers.app, batches],
    ['single text, translation routes only', servers.routes, single],
    ['batch of 50, translation routes only', servers.routes, batches],
    ['baseline: echo route, no translation', servers.echo, englishTexts.map((text) => ({ text }))],
  ];
  for (const [label, server, bodies] of phases) {
    await load(server.url, reader, bodies, 1); // warm-up: JIT and connections, not counted
    const cpuBefore = server.cpuMs();
    const result = await load(server.url, reader, bodies);
    const cpuPerRequest = (server.cpuMs() - cpuBefore) / result.requests;
    console.log(`${describeLoad(label, result)}  server CPU ${cpuPerRequest.toFixed(2)} ms/req`);
  }
  await pairedRatio(servers.app, servers.echo, reader, single, englishTexts.map((text) => ({ text })));
  console.log(`upstream requests during the load phases: ${deepl.requests}\n`);
}

/**
 * Acceptance 3's ratio with the machine's load drifting: the whole app (single text) and the echo
 * take turns in 1 s slices, so both see the same moments of a shared machine.
 */
async function pairedRatio(app: ServerProcess, echo: ServerProcess, reader: Reader, appBodies: object[], echoBodies: object[]): Promise<void> {
  const slices = Math.max(2, seconds);
  const totals = { app: { cpu: 0, requests: 0 }, echo: { cpu: 0, requests: 0 } };
  for (let slice = 0; slice < slices; slice++) {
    for (const [name, server, bodies] of [['app', app, appBodies], ['echo', echo, echoBodies]] as const) {
      const cpuBefore = server.cpuMs();
      const result = await load(server.url, reader, bodies, 1);
      totals[name].cpu += server.cpuMs() - cpuBefore;
      totals[name].requests += result.requests;
    }
  }
  const appMs = totals.app.cpu / totals.app.requests;
  const echoMs = totals.echo.cpu / totals.echo.requests;
  console.log(
    `paired, ${slices} alternating 1 s slices: whole app (single text) ${appMs.toFixed(2)} ms/req, echo ${echoMs.toFixed(2)} ms/req: ${(appMs / echoMs).toFixed(2)}× the echo`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  const deepl = await startDeeplServer();
  const servers: ServerProcess[] = [];
  // BENCH_CPU_PROF=1 summarises the profile; a directory instead also keeps the .cpuprofile files there.
  const keptProfiles = process.env.BENCH_CPU_PROF && process.env.BENCH_CPU_PROF !== '1' ? process.env.BENCH_CPU_PROF : undefined;
  const profileDir = process.env.BENCH_CPU_PROF ? (keptProfiles ?? join(dataDir, 'profile')) : undefined;
  try {
    const mongodbUri = database.uriFor('parley_bench');
    await connectDatabase(mongodbUri);
    const env = serverEnv(mongodbUri, deepl.url, dataDir);
    const app = await startServerProcess(env, { cpuProfileDir: profileDir });
    servers.push(app);
    const routes = await startServerProcess({ ...env, BENCH_APP: 'translation-routes' }, { script: 'bench/lib/baseline-server.ts' });
    servers.push(routes);
    const echo = await startServerProcess({ ...env, BENCH_APP: 'echo' }, { script: 'bench/lib/baseline-server.ts' });
    servers.push(echo);
    const messages = conversation();
    const [customer] = await upstreamCost(deepl, app.url, messages);
    if (!customer) throw new Error('no reader');
    await memoryHits(deepl, { app, routes, echo }, customer, messages);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await disconnectDatabase();
    await deepl.close();
    await database.stop();
    if (profileDir) console.log(summariseCpuProfile(profileDir));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
