/**
 * `npm run bench:chat`: many conversations at once over the built-in transport (Socket.IO +
 * MongoDB). N customers and M reps are socket.io clients (the project's SocketChatClient) against
 * the app running as its own process (`src/server.ts`, production mode) on loopback, with an
 * embedded FerretDB and the local DeepL (translation memory warmed first). Each side of each
 * conversation writes every few seconds; a message counts as delivered when the other side has
 * received it and translated it through POST /translate, as the chat page does.
 *
 * First a baseline at a tenth of the load, then the full load, in one run: the ratios say what the
 * load costs. Bounded: each phase stops writing after --seconds, then waits at most 15 s for
 * deliveries; the whole run is cut off after a fixed limit.
 *
 *   npm run bench:chat                                      # 500 customers, 50 reps, 60 s
 *   npm run bench:chat -- --customers 50 --reps 5 --seconds 10
 *   npm run bench:chat -- --cpu-prof                        # also profile the server
 *   npm run bench:chat -- --find-capacity --trace /tmp/chat-trace.json   # and which database work ran how long, per step
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { freePort, startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { startDeeplServer, type DeeplServer } from '../test/support/deepl-server.js';
import { pageTranslations, signIn, type SignedIn } from '../test/support/chat-users.js';
import {
  connectPerson,
  createPeople,
  countDeliveries,
  customerLines,
  inBatches,
  openConversations,
  PhaseMetrics,
  repLines,
  setupRetries,
  writeUntil,
} from './lib/chat-load.js';
import { findCapacity } from './lib/capacity-run.js';
import { summariseCpuProfile } from './lib/cpu-profile.js';
import { probeDatabase } from './lib/database-probe.js';
import { profileDatabase } from './lib/go-profile.js';
import { findProcess, processCpuMs, startServerProcess, type ServerProcess } from './lib/server-process.js';

const options = new Command()
  .option('--customers <n>', 'customers, one conversation each', '500')
  .option('--reps <n>', 'reps, sharing the conversations', '50')
  .option('--seconds <n>', 'seconds of writing in the full-load phase', '60')
  .option('--interval <seconds>', 'seconds between two messages of one person in one conversation', '10')
  .option('--cpu-prof', 'write a V8 CPU profile of the server and print its hottest functions')
  .option('--db-prof', 'take a Go CPU profile of the embedded FerretDB during the full phase (needs go tool pprof)')
  .option('--find-capacity', 'step the offered rate up until p99 ≥ 100 ms or a message is lost; with the relay and database references')
  .option('--step-seconds <n>', '--find-capacity: seconds of writing per step', '10')
  .option('--rates <list>', '--find-capacity: offered messages/s per step', '50,100,200,400,800,1600,3200')
  .option('--trace <file>', "--find-capacity: write a timeline of the server's database commands there and summarise it per step")
  .option('--write-window-ms <n>', "--find-capacity: the server's MESSAGE_WRITE_WINDOW_MS (its default when omitted)")
  .option('--relay-rates <list>', '--find-capacity: offered messages/s per step for the relay reference', '200,400,800,1600,3200,6400')
  .parse()
  .opts<{ customers: string; reps: string; seconds: string; interval: string; cpuProf?: boolean; dbProf?: boolean;
    findCapacity?: boolean; stepSeconds: string; rates: string; relayRates: string; trace?: string; writeWindowMs?: string }>();

const full = { customers: Number(options.customers), reps: Number(options.reps), seconds: Number(options.seconds) };
const baseline = {
  customers: Math.max(1, Math.round(full.customers / 10)),
  reps: Math.max(1, Math.round(full.reps / 10)),
  seconds: Math.min(full.seconds, 20),
};
const intervalMs = Number(options.interval) * 1000;
const drainMs = 15_000;
if (![full.customers, full.reps, full.seconds, intervalMs].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('--customers, --reps, --seconds and --interval must be positive numbers');
  process.exit(1);
}
// Set-up (logins, connections) plus both phases, generously; a hung run must still end.
const runLimitMs = (full.seconds + baseline.seconds) * 1000 + 2 * drainMs + 600_000;
const overrunAfterLimit = () =>
  new Promise<never>((_, fail) => {
    setTimeout(() => fail(new Error(`bench:chat exceeded its ${Math.round(runLimitMs / 1000)} s limit`)), runLimitMs).unref();
  });

interface PhaseResult {
  name: string;
  customers: number;
  reps: number;
  seconds: number;
  sent: number;
  delivered: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  unacknowledged: number;
  errors: string;
  serverCpu: number;
  databaseCpu: number;
  rssMiB: number;
  perConnectionKiB: number;
  generatorLagP99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
const mib = (bytes: number) => bytes / 1024 / 1024;

async function runPhase(name: string, server: ServerProcess, databasePid: number, customers: SignedIn[], reps: SignedIn[], seconds: number): Promise<PhaseResult> {
  const rssBefore = server.rss();
  const people = await inBatches([...customers, ...reps], 25, (session) => connectPerson(server.url, session));
  await new Promise((done) => setTimeout(done, 2_000));
  const rssConnected = server.rss();
  const customerPeople = people.slice(0, customers.length);
  const repPeople = people.slice(customers.length);
  const conversations = await openConversations(server.url, customerPeople, repPeople);
  const metrics = new PhaseMetrics();
  const stopCounting = countDeliveries(people, metrics);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuStart = server.cpuMs();
  const databaseCpuStart = processCpuMs(databasePid);
  const started = performance.now();
  const databaseProfile = databaseDebugAddr && name === 'full' ? profileDatabase(databaseDebugAddr, Math.min(30, seconds), tmpdir()) : undefined;
  await writeUntil(conversations, metrics, intervalMs, started + seconds * 1000);
  if (databaseProfile) console.log(await databaseProfile);
  const writing = performance.now() - started;
  const cpuUsed = server.cpuMs() - cpuStart;
  const databaseCpuUsed = processCpuMs(databasePid) - databaseCpuStart;
  const drainUntil = performance.now() + drainMs;
  const settled = () =>
    metrics.unacknowledged() === 0 && metrics.lost() === 0 && metrics.latencies.length + [...metrics.errors].filter(([kind]) => kind.startsWith('translate')).reduce((sum, [, n]) => sum + n, 0) >= metrics.seen.size;
  while (performance.now() < drainUntil && !settled()) await new Promise((done) => setTimeout(done, 100));
  lag.disable();
  const rss = server.rss();
  stopCounting();
  await Promise.all(people.map((person) => person.connection.chat.close()));
  const sorted = [...metrics.latencies].sort((a, b) => a - b);
  return {
    name,
    customers: customers.length,
    reps: reps.length,
    seconds,
    sent: metrics.sentAt.size,
    delivered: metrics.latencies.length,
    perSecond: metrics.latencies.length / (writing / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    lost: metrics.lost(),
    duplicated: metrics.duplicated(),
    unacknowledged: metrics.unacknowledged(),
    errors: [...metrics.errors].map(([kind, count]) => `${kind} ${count}`).join(', ') || '0',
    serverCpu: cpuUsed / writing,
    databaseCpu: databaseCpuUsed / writing,
    rssMiB: mib(rss),
    perConnectionKiB: (rssConnected - rssBefore) / 1024 / people.length,
    generatorLagP99: lag.percentile(99) / 1e6,
  };
}

function report(results: PhaseResult[]): void {
  const [base, load] = results as [PhaseResult, PhaseResult];
  const row = (label: string, value: (r: PhaseResult) => string, ratio?: (r: PhaseResult) => number) =>
    `| ${label} | ${value(base)} | ${value(load)} |${ratio ? ` ${(ratio(load) / ratio(base)).toFixed(2)}× |` : ' |'}`;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(['', '| | baseline | full load | full ÷ baseline |', '|---|---:|---:|---:|',
    row('customers / reps (conversations)', (r) => `${r.customers} / ${r.reps} (${r.customers})`, (r) => r.customers),
    row('socket connections', (r) => String(r.customers + r.reps), (r) => r.customers + r.reps),
    row('seconds writing', (r) => String(r.seconds)),
    row('messages sent / delivered translated', (r) => `${r.sent} / ${r.delivered}`),
    row('delivered messages/s', (r) => r.perSecond.toFixed(1), (r) => r.perSecond),
    row('delivery latency p50 (send → seen translated)', (r) => ms(r.p50), (r) => r.p50),
    row('delivery latency p99', (r) => ms(r.p99), (r) => r.p99),
    row('delivery latency max', (r) => ms(r.max), (r) => r.max),
    row('lost / duplicated / unacknowledged', (r) => `${r.lost} / ${r.duplicated} / ${r.unacknowledged}`),
    row('errors', (r) => r.errors),
    row('server CPU (share of one core, while writing)', (r) => `${(r.serverCpu * 100).toFixed(0)} %`, (r) => r.serverCpu),
    row('database (FerretDB) CPU, share of one core', (r) => `${(r.databaseCpu * 100).toFixed(0)} %`, (r) => r.databaseCpu),
    row('server RSS at end of phase', (r) => `${r.rssMiB.toFixed(0)} MiB`, (r) => r.rssMiB),
    row('server memory per connection', (r) => `${r.perConnectionKiB.toFixed(0)} KiB`),
    row('load generator event-loop lag p99', (r) => ms(r.generatorLagP99)),
  ].join('\n'));
  const target = load.p99 < 100 && load.lost === 0 && load.duplicated === 0;
  console.log(`\nTargets (p99 < 100 ms, 0 lost, 0 duplicated) at ${load.customers} conversations: ${target ? 'met' : 'NOT met'}`);
}

let databaseDebugAddr: string | undefined;

/** Runs the benchmark; its processes are stopped whatever happens, the time limit included. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-chat-'));
  const profileDir = options.cpuProf ? join(dataDir, 'profile') : undefined;
  databaseDebugAddr = options.dbProf ? `127.0.0.1:${await freePort()}` : undefined;
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db'), debugAddr: databaseDebugAddr });
  const deepl = await startDeeplServer();
  let server: ServerProcess | undefined;
  try {
    await connectDatabase(database.uriFor('parley_bench'));
    server = await startServerProcess(
      { NODE_ENV: 'production', LOG_LEVEL: 'warn', SESSION_SECRET: 'bench-session-secret-0123456789abcdef', BCRYPT_COST: '4',
        MONGODB_URI: database.uriFor('parley_bench'), DEEPL_SERVER_URL: deepl.url, DATA_DIR: dataDir },
      { cpuProfileDir: profileDir },
    );
    await Promise.race([measure(server, database.port, deepl), overrunAfterLimit()]);
  } finally {
    await server?.stop();
    await disconnectDatabase();
    await deepl.close();
    await database.stop();
    if (profileDir) console.log(summariseCpuProfile(profileDir));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(server: ServerProcess, databasePort: number, deepl: DeeplServer): Promise<void> {
  const customerAccounts = await createPeople('customer', full.customers + baseline.customers, 'ES');
  const repAccounts = await createPeople('rep', full.reps + baseline.reps, 'EN-US');
  const url = server.url;
  const customers = await inBatches(customerAccounts, 4, (account) => signIn({ url }, 'customer', account));
  const reps = await inBatches(repAccounts, 4, (account) => signIn({ url }, 'rep', account));
  console.log(`${customers.length} customers and ${reps.length} reps logged in on ${url}`);

  // Warm the translation memory with everything people will write, both ways.
  const warm = [
    await pageTranslations(url, customers[0]!, 'ES').translate(repLines.map((text, i) => ({ key: String(i), text, language: 'EN-US' }))),
    await pageTranslations(url, reps[0]!, 'EN-US').translate(customerLines.map((text, i) => ({ key: String(i), text, language: 'ES' }))),
  ];
  if (warm.some((results) => [...results.values()].some((result) => result.untranslated))) throw new Error(`warming the translation memory failed; server said:\n${server.output()}`);
  deepl.resetCounts();

  // The database on its own, for reference: the chat does ~4 operations per message sent plus ~2
  // per /translate (session, user), so its ceiling bounds the message rate.
  for (const concurrency of [1, 16]) {
    const probe = await probeDatabase(concurrency);
    console.log(`database alone: inserts from ${concurrency} caller(s): ${probe.perSecond.toFixed(0)}/s, p50 ${probe.p50.toFixed(1)} ms, p99 ${probe.p99.toFixed(1)} ms`);
  }
  const databasePid = findProcess(`--listen-addr=127.0.0.1:${databasePort}`);
  if (!databasePid) throw new Error('the embedded database process was not found');
  const results: PhaseResult[] = [];
  console.log(`baseline: ${baseline.customers} customers, ${baseline.reps} reps, ${baseline.seconds} s`);
  results.push(await runPhase('baseline', server, databasePid, customers.slice(full.customers), reps.slice(full.reps), baseline.seconds));
  console.log(`full load: ${full.customers} customers, ${full.reps} reps, ${full.seconds} s`);
  results.push(await runPhase('full', server, databasePid, customers.slice(0, full.customers), reps.slice(0, full.reps), full.seconds));
  report(results);
  console.log(`Set-up: "start conversation" pressed again after a 403 (stale CSRF token): ${setupRetries.csrf} time(s)`);
  console.log(`DeepL requests during both phases: ${deepl.translateRequests} (0 = every translation came from the memory)`);
}

const rateList = (list: string) => list.split(',').map(Number).filter((n) => Number.isFinite(n) && n > 0);
// Capacity mode's defaults: 1,000 conversations and 100 reps unless given.
const given = (name: string) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const run = options.findCapacity
  ? () => findCapacity({
      customers: given('customers') ? full.customers : 1_000,
      reps: given('reps') ? full.reps : 100,
      stepSeconds: Number(options.stepSeconds),
      rates: rateList(options.rates),
      relayRates: rateList(options.relayRates),
      cpuProf: Boolean(options.cpuProf),
      trace: options.trace,
      writeWindowMs: options.writeWindowMs,
    })
  : main;

run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench:chat failed:', error);
    process.exit(1);
  },
);
