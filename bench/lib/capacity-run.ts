/**
 * `npm run bench:chat -- --find-capacity`: Parley's capacity (the highest offered message rate
 * with p99 < 100 ms and nothing lost) over many conversations, and two references measured by the
 * same load generator in the same run: (a) a bare Socket.IO relay, (b) the embedded database
 * alone doing one message's writes. Bounded: the climbs stop at a deadline, the run is cut off.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/lib/database.js';
import { startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { startDeeplServer } from '../../test/support/deepl-server.js';
import { newClientId, pageTranslations } from '../../test/support/chat-users.js';
import { climb, type StepResult } from './capacity.js';
import { summariseCapacityTrace, type TraceWindow } from './capacity-trace.js';
import {
  connectPerson,
  connectRelayPerson,
  customerLines,
  inBatches,
  openConversations,
  repLines,
  setupRetries,
  type Person,
} from './chat-load.js';
import { asAPersonWould, setupClock, setupConcurrency, setupRepeats, signInPeople } from './capacity-setup.js';
import { summariseCpuProfile } from './cpu-profile.js';
import { probeMessageWrites } from './database-probe.js';
import type { Trace } from './server-trace.js';
import { commandCounts, findProcess, processCpuMs, startServerProcess, type ServerProcess } from './server-process.js';

export interface CapacityOptions {
  customers: number;
  reps: number;
  stepSeconds: number;
  rates: number[];
  relayRates: number[];
  cpuProf: boolean;
  /** Write a timeline of the server there (server-trace.ts) and summarise it per window. */
  trace?: string;
  /** The server's MESSAGE_WRITE_WINDOW_MS; its default when absent. */
  writeWindowMs?: string;
}

/** The whole run, set-up included, stays under this; the climbs stop earlier. */
const runLimitMs = 14.5 * 60_000;

async function closeAll(people: Person[]): Promise<void> {
  await Promise.all(people.map((person) => person.connection.chat.close()));
}

// Each set-up step's own limit: generous for 1,100 people on a busy machine, short of the run's.
const stepLimitMs = 240_000;

/** The idle measurement and each step, in wall-clock time, for the trace's summary. */
const windows: TraceWindow[] = [];

async function climbParley(server: ServerProcess, databasePid: number, countsFile: string, options: CapacityOptions, deadline: number, warmed: () => void) {
  const url = server.url;
  /** With --cpu-prof: the server profiles the climb alone (server-instrumentation.ts), not the set-up. */
  const profileClimb = async (state: 'start' | 'stop') => {
    if (!options.cpuProf) return;
    writeFileSync(join(dirname(countsFile), 'profile-control'), state);
    await commandCounts(server.pid, countsFile);
  };
  const clock = setupClock();
  console.log(`\nSetting up Parley: ${options.customers} customers and ${options.reps} reps, ${setupConcurrency} at a time`);
  const customers = await clock.step(`${options.customers} customers signed in through the form`, stepLimitMs, () => signInPeople(url, 'customer', options.customers, 'ES'));
  const reps = await clock.step(`${options.reps} reps signed in through the form`, stepLimitMs, () => signInPeople(url, 'rep', options.reps, 'EN-US'));
  // Warm the translation memory with everything people will write, both ways.
  await clock.step('translation memory warmed', 30_000, async () => {
    await pageTranslations(url, customers[0]!, 'ES').translate(repLines.map((text, i) => ({ key: String(i), text, language: 'EN-US' })));
    await pageTranslations(url, reps[0]!, 'EN-US').translate(customerLines.map((text, i) => ({ key: String(i), text, language: 'ES' })));
  });
  warmed();
  const people = await clock.step('sockets connected', stepLimitMs, () => inBatches([...customers, ...reps], setupConcurrency, (session) => connectPerson(url, session)));
  const customerPeople = people.slice(0, customers.length);
  const repPeople = people.slice(customers.length);
  const conversations = await clock.step('conversations started and joined', stepLimitMs, () => openConversations(url, customerPeople, repPeople, undefined, 8));
  // Reps work from the dashboard: every one of them is subscribed to its live updates.
  // A few at a time: each first page of the dashboard reads every conversation on FerretDB.
  await clock.step('dashboards subscribed', stepLimitMs, () => inBatches(repPeople, 4, (rep) => asAPersonWould(() => rep.connection.chat.subscribeDashboard())));
  // Reps join by answering once, before the climb: joining is set-up, not per-message work.
  await clock.step('each rep answered once', stepLimitMs, () =>
    inBatches(conversations, 8, (conversation) => {
      const clientId = newClientId('j');
      return asAPersonWould(() => conversation.rep.connection.chat.send(conversation.id, clientId, repLines[0]!));
    }));
  console.log(`  set-up took ${clock.seconds().toFixed(0)} s; pages loaded again after a failure: ${setupRepeats.pageReloads}; "start conversation" pressed again after a 403: ${setupRetries.csrf}; joins repeated: ${setupRetries.joins}`);
  const target = {
    name: 'Parley (whole app, embedded FerretDB)',
    cpuMs: () => server.cpuMs(),
    databaseCpuMs: () => processCpuMs(databasePid),
    // Asked for at the start and at the end of every step: the trace's windows are between.
    commands: () => {
      const at = Date.now();
      const open = windows.at(-1);
      if (open && open.to === 0) open.to = at;
      else windows.push({ label: `step ${windows.length}`, from: at, to: 0 });
      return commandCounts(server.pid, countsFile);
    },
  };
  await measureIdle(server, databasePid, options.stepSeconds);
  await profileClimb('start');
  const result = await climb(target, people, conversations, { rates: options.rates, seconds: options.stepSeconds, deadline });
  await profileClimb('stop');
  windows.slice(1).forEach((window, i) => {
    window.label = `${result.steps[i]?.rate ?? '?'} messages/s offered`;
  });
  await closeAll(people);
  return result;
}

/** What the server and database spend with everyone connected and nobody writing (sweeps, timers). */
async function measureIdle(server: ServerProcess, databasePid: number, seconds: number): Promise<void> {
  const serverStart = server.cpuMs();
  const databaseStart = processCpuMs(databasePid);
  const from = Date.now();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  windows.push({ label: 'idle (all connected, nobody writing)', from, to: Date.now() });
  const share = (ms: number) => `${((ms / (seconds * 1000)) * 100).toFixed(1)} %`;
  console.log(`\nIdle (all connected, nobody writing, ${seconds} s): server ${share(server.cpuMs() - serverStart)} of a core, database ${share(processCpuMs(databasePid) - databaseStart)}`);
}

async function climbRelay(options: CapacityOptions, deadline: number) {
  const relay = await startServerProcess({ NODE_ENV: 'production' }, { script: 'bench/lib/relay-server.ts' });
  try {
    const id = () => new mongoose.Types.ObjectId().toString();
    const clock = setupClock();
    const customers = await clock.step('relay: customers connected', stepLimitMs, () => inBatches(Array.from({ length: options.customers }), setupConcurrency, () => connectRelayPerson(relay.url, id(), 'ES')));
    const reps = await clock.step('relay: reps connected', stepLimitMs, () => inBatches(Array.from({ length: options.reps }), setupConcurrency, () => connectRelayPerson(relay.url, id(), 'EN-US')));
    const conversations = await clock.step('relay: conversations joined', stepLimitMs, () => openConversations(relay.url, customers, reps, async () => id(), setupConcurrency));
    const result = await climb({ name: 'Reference (a): bare Socket.IO relay', cpuMs: () => relay.cpuMs() }, [...customers, ...reps], conversations,
      { rates: options.relayRates, seconds: options.stepSeconds, deadline });
    await closeAll([...customers, ...reps]);
    return result;
  } finally {
    await relay.stop();
  }
}

const fixed = (n: number | undefined, digits = 2) => (n === undefined ? '–' : n.toFixed(digits));

function report(parley: StepResult | undefined, relaySteps: StepResult[], relay: StepResult | undefined, database: Awaited<ReturnType<typeof probeMessageWrites>>) {
  console.log('\nCapacity (highest offered rate with p99 < 100 ms, 0 lost, 0 duplicated, all delivered):');
  console.log(`  Parley: ${parley ? `${parley.rate} messages/s (p99 ${parley.p99.toFixed(1)} ms)` : 'no step passed'}`);
  console.log(`  reference (a), bare relay: ${relay ? `${relay.rate} messages/s (p99 ${relay.p99.toFixed(1)} ms)` : 'no step passed'}`);
  console.log(`  reference (b), database alone, one message's writes (insert + update by _id, 16 callers): ${database.perSecond.toFixed(0)} messages/s, p99 ${database.p99.toFixed(1)} ms, FerretDB CPU ${database.databaseCpuPerMessage.toFixed(2)} ms per message`);
  if (!parley) return;
  // CPU per message depends on the rate (batching, idle work): compare at the same offered rate.
  const relayAtRate = relaySteps.find((step) => step.rate === parley.rate) ?? relay;
  console.log('\nRatios at Parley\'s capacity step:');
  console.log(`  capacity, Parley ÷ relay: ${relay ? (parley.rate / relay.rate).toFixed(2) : '–'}; Parley ÷ database alone: ${(parley.rate / database.perSecond).toFixed(2)}`);
  console.log(`  server CPU per message, Parley ÷ relay (relay at ${relayAtRate?.rate ?? '–'} messages/s): ${relayAtRate ? (parley.serverCpuPerMessage / relayAtRate.serverCpuPerMessage).toFixed(2) : '–'}× ` +
    `(${parley.serverCpuPerMessage.toFixed(2)} ms ÷ ${fixed(relayAtRate?.serverCpuPerMessage)} ms)`);
  console.log(`  database CPU per message, Parley ÷ database alone: ${fixed((parley.databaseCpuPerMessage ?? NaN) / database.databaseCpuPerMessage)}× ` +
    `(${fixed(parley.databaseCpuPerMessage)} ms ÷ ${database.databaseCpuPerMessage.toFixed(2)} ms); database writes per message ${fixed(parley.writesPerMessage)}`);
  const target = parley.rate >= 500 && relayAtRate !== undefined && parley.serverCpuPerMessage <= 2 * relayAtRate.serverCpuPerMessage;
  console.log(`\nTarget (≥ 500 messages/s, server CPU per message ≤ 2× the relay's): ${target ? 'met' : 'NOT met'}`);
}

async function measure(options: CapacityOptions, dataDir: string, profileDir: string | undefined, overrun: Promise<never>): Promise<void> {
  const started = Date.now();
  const deadline = started + runLimitMs - 90_000;
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  const deepl = await startDeeplServer();
  let server: ServerProcess | undefined;
  try {
    await connectDatabase(database.uriFor('parley_bench'));
    const databasePid = findProcess(`--listen-addr=127.0.0.1:${database.port}`);
    if (!databasePid) throw new Error('the embedded database process was not found');
    const reference = await probeMessageWrites({ concurrency: 16, ms: 5_000, conversations: options.customers, databaseCpuMs: () => processCpuMs(databasePid) });
    const countsFile = join(dataDir, 'command-counts.json');
    server = await startServerProcess(
      { NODE_ENV: 'production', LOG_LEVEL: 'warn', SESSION_SECRET: 'bench-session-secret-0123456789abcdef', BCRYPT_COST: '4',
        MONGODB_URI: database.uriFor('parley_bench'), DEEPL_SERVER_URL: deepl.url, DATA_DIR: dataDir, BENCH_COMMAND_COUNTS: countsFile,
        // Benchmark readers translate far more than a person: the per-user /translate limits would refuse them.
        TRANSLATE_REQUESTS_PER_MINUTE: '1000000', TRANSLATE_CHARACTERS_PER_MINUTE: '100000000',
        ...(options.trace ? { BENCH_TRACE_FILE: options.trace } : {}),
        ...(options.writeWindowMs === undefined ? {} : { MESSAGE_WRITE_WINDOW_MS: options.writeWindowMs }),
        ...(profileDir ? { BENCH_CPU_PROFILE_DIR: profileDir, BENCH_PROFILE_CONTROL: join(dataDir, 'profile-control') } : {}) },
      { preload: './bench/lib/server-instrumentation.ts' },
    );
    const running = server;
    await Promise.race([overrun, (async () => {
      const relay = await climbRelay(options, deadline);
      const parley = await climbParley(running, databasePid, countsFile, options, deadline, () => deepl.resetCounts()).catch((error: unknown) => {
        // What the server logged is the cause a failed set-up or step needs.
        console.error(`Parley's climb failed; the server's last log lines:\n${running.output().slice(-4_000)}`);
        throw error;
      });
      report(parley.capacity, relay.steps, relay.capacity, reference);
      console.log(`DeepL requests during the climb: ${deepl.translateRequests} (0 = every translation came from the memory); run took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    })()]);
  } finally {
    await server?.stop();
    await disconnectDatabase();
    await deepl.close();
    await database.stop();
  }
  // Written by the server as it exits.
  if (options.trace && existsSync(options.trace)) console.log(`\n${summariseCapacityTrace(JSON.parse(readFileSync(options.trace, 'utf8')) as Trace, windows)}`);
}

export async function findCapacity(options: CapacityOptions): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-capacity-'));
  // BENCH_CPU_PROF_DIR keeps the .cpuprofile files there (to open in a profiler) instead of in the run's temporary folder.
  const profileDir = options.cpuProf ? (process.env.BENCH_CPU_PROF_DIR ?? join(dataDir, 'profile')) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`--find-capacity exceeded its ${runLimitMs / 60_000} min limit`)), runLimitMs);
  });
  overrun.catch(() => undefined);
  try {
    await measure(options, dataDir, profileDir, overrun);
  } finally {
    clearTimeout(timer);
    if (profileDir) console.log(summariseCpuProfile(profileDir));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
