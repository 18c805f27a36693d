/**
 * `npm run bench:sms`: phone customers texting in. Signed inbound webhooks (Twilio's format, from
 * the local Twilio Messages server) at a steady rate from many numbers, into the app running as
 * its own process (`src/server.ts`, production mode, as `bench:chat` runs it), with an embedded
 * FerretDB and the local DeepL. A rep's dashboard socket sees each text arrive; the rep answers
 * every conversation once over the socket, and the local Messages API (in this process) records
 * what reaches the phones. A tenth of the webhooks are delivered twice, as Twilio may.
 *
 * Prints the webhook answer time (Twilio waits on it: target p99 < 100 ms), inbound-to-dashboard
 * and rep-answer-to-Messages.json latencies, and lost / sent-twice counts (both must be 0).
 * Bounded: each phase waits at most --wait seconds (default 300) for the app's work, then prints what it has;
 * the whole run is cut off after a fixed limit.
 *
 *   npm run bench:sms                                   # 50 texts/s from 500 numbers for 20 s
 *   npm run bench:sms -- --rate 20 --numbers 100 --seconds 5
 *   npm run bench:sms -- --cpu-prof                     # also profile the app's process
 *   npm run bench:sms -- --trace /tmp/sms-trace.json    # and where the slow webhook answers spent their time
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Message } from '../src/conversations/message.model.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { startDeeplServer } from '../test/support/deepl-server.js';
import { startTwilioMessagingFake, type TwilioMessagingFake } from '../test/support/twilio-messaging-server.js';
import { summariseCpuProfile } from './lib/cpu-profile.js';
import { connectDashboardRep, type DashboardRep } from './lib/dashboard-rep.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { answerBody, classifyAnswers, line, percentile } from './lib/sms-answers.js';
import { summariseTrace } from './lib/trace-summary.js';

const options = new Command()
  .option('--rate <n>', 'inbound texts per second', '50')
  .option('--numbers <n>', 'distinct phone numbers', '500')
  .option('--seconds <n>', 'seconds of texting', '20')
  .option('--wait <n>', 'seconds each phase waits at most for the app to finish its work', '300')
  .option('--cpu-prof', "write a V8 CPU profile of the app's process and print its hottest functions")
  .option('--trace <file>', "write a timeline of the app's process there (bench/lib/server-trace.ts) and summarise it")
  .parse()
  .opts<{ rate: string; numbers: string; seconds: string; wait: string; cpuProf?: boolean; trace?: string }>();
const rate = Number(options.rate);
const numbers = Number(options.numbers);
const seconds = Number(options.seconds);
const waitMs = Number(options.wait) * 1000;
const PUBLIC_URL = 'https://bench.parley.test';
const SUPPORT = '+15550001111';

/** A hung run still ends, its processes stopped: texting, both waits, and set-up. */
const runLimitMs = (seconds + 2 * Number(options.wait) + 120) * 1000;
const overrunAfterLimit = () =>
  new Promise<never>((_, fail) => {
    setTimeout(() => fail(new Error(`bench:sms exceeded its ${Math.round(runLimitMs / 1000)} s limit`)), runLimitMs).unref();
  });

const phone = (index: number) => `+1555${String(1_000_000 + index).padStart(7, '0')}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Polls `done` until it holds or `ms` passed; true when it held. */
async function waitFor(done: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await done()) return true;
    await sleep(250);
  }
  return done();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-sms-'));
  const profileDir = options.cpuProf ? join(dataDir, 'profile') : undefined;
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  const deepl = await startDeeplServer();
  const answeredAt = new Map<number, number>();
  const reachedAt = new Map<number, number>();
  const fake = await startTwilioMessagingFake({
    onSent: (message) => {
      const ticket = /ticket (\d+)$/.exec(message.body);
      if (ticket && !reachedAt.has(Number(ticket[1]))) reachedAt.set(Number(ticket[1]), performance.now());
    },
  });
  let server: ServerProcess | undefined;
  try {
    await connectDatabase(database.uriFor('parley_bench_sms'));
    server = await startServerProcess(
      { ...fake.env(PUBLIC_URL), MESSAGE_TRANSPORT: 'builtin', NODE_ENV: 'production', LOG_LEVEL: 'warn', BCRYPT_COST: '4',
        SESSION_SECRET: 'bench-session-secret-0123456789abcdef', MONGODB_URI: database.uriFor('parley_bench_sms'), DEEPL_SERVER_URL: deepl.url, DATA_DIR: dataDir,
        ...(options.trace ? { BENCH_TRACE_FILE: options.trace } : {}) },
      // The instrumentation lifts the per-user socket limits: one rep answering hundreds of conversations at once is the load, not abuse.
      { cpuProfileDir: profileDir, preload: './bench/lib/server-instrumentation.ts' },
    );
    fake.deliverTo(server.url, PUBLIC_URL);
    await Promise.race([run(server, fake, answeredAt, reachedAt), overrunAfterLimit()]);
  } finally {
    await server?.stop();
    await Promise.all([fake.close(), deepl.close()]);
    await disconnectDatabase();
    await database.stop();
    if (profileDir) console.log(summariseCpuProfile(profileDir));
    if (options.trace && existsSync(options.trace)) console.log(summariseTrace(options.trace));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Texts at the offered rate; the webhook answer times, and the conversations the dashboard showed. */
async function text(rep: DashboardRep, fake: TwilioMessagingFake) {
  const textedAt = new Map<string, number>();
  const toDashboard: number[] = [];
  const conversations = new Set<string>();
  // Dashboards learn of a message from its conversation's row (coalesced over a short window):
  // a text has reached the dashboard when a row shows it as the preview.
  rep.onRow((row) => {
    if (row.channel === 'web') return;
    conversations.add(row.id);
    const started = textedAt.get(row.lastMessagePreview);
    if (started !== undefined) {
      textedAt.delete(row.lastMessagePreview);
      toDashboard.push(performance.now() - started);
    }
  });
  const webhook: number[] = [];
  const failures = new Map<string, number>();
  let accepted = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < rate * seconds; index++) {
    const due = start + (index * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    const body = `Necesito ayuda con mi pedido número ${index}`;
    inFlight.push((async () => {
      const sentAt = performance.now();
      textedAt.set(body, sentAt);
      // A webhook the app could not take (refused, or not even connected) is counted, never the end of the run.
      const answer = await fake.text({ from: phone(index % numbers), to: SUPPORT, body }).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)));
      if (answer instanceof Error) return void failures.set('no answer', (failures.get('no answer') ?? 0) + 1);
      webhook.push(performance.now() - sentAt);
      if (answer.status !== 200) return void failures.set(String(answer.status), (failures.get(String(answer.status)) ?? 0) + 1);
      accepted += 1;
      if (index % 10 === 0) await fake.redeliver(answer.params).catch(() => undefined);
    })());
  }
  await Promise.all(inFlight);
  return { webhook, toDashboard, conversations, failures, start, accepted };
}

async function run(server: ServerProcess, fake: TwilioMessagingFake, answeredAt: Map<number, number>, reachedAt: Map<number, number>): Promise<void> {
  const rep = await connectDashboardRep(server.url);
  const { socket } = rep;
  const total = rate * seconds;
  const { webhook, toDashboard, conversations, failures, start, accepted } = await text(rep, fake);
  console.log(`texting done after ${elapsed(start)}; waiting (at most ${waitMs / 1000} s) for the app to store every text`);
  const stored = () => Message.countDocuments({ authorRole: 'customer' });
  // Lost: a text the app answered 200 (Twilio's handover is done) that is not stored.
  const allStored = await waitFor(async () => (await stored()) >= accepted && conversations.size >= Math.min(accepted, numbers), waitMs);
  console.log(`${allStored ? 'every text stored' : 'NOT every text stored'} after ${elapsed(start)}`);
  const lost = accepted - (await stored());
  // Printed now too: the inbound figures stand even if the answers' phase is cut off.
  console.log(line('webhook answer time', webhook));
  console.log(line('inbound to dashboard socket', toDashboard));
  console.log(`lost inbound: ${lost}; now the rep answers ${conversations.size} conversations at once`);

  const refused = new Map<string, number>();
  const answerStart = performance.now();
  const acks: number[] = [];
  await Promise.all([...conversations].map(async (conversationId, ticket) => {
    answeredAt.set(ticket, performance.now());
    const input = { conversationId, clientId: `bench-${ticket}-${Date.now()}`, body: answerBody(ticket) };
    const ack = await socket.timeout(waitMs).emitWithAck('message:send', input).catch(() => undefined);
    if (ack !== undefined) acks.push(performance.now() - answerStart);
    const code = ack === undefined ? 'no_ack' : ack.ok ? undefined : ack.error.code;
    if (code) refused.set(code, (refused.get(code) ?? 0) + 1);
  }));
  const toSend = conversations.size - [...refused.values()].reduce((sum, count) => sum + count, 0);
  const allSent = toSend === conversations.size && (await waitFor(() => reachedAt.size >= toSend, waitMs));
  console.log(`${allSent ? 'every answer reached the Messages API' : 'NOT every answer was taken and reached the Messages API'} after ${elapsed(answerStart)}`);
  await sleep(1_000); // a late duplicate would show now
  socket.disconnect();

  const reached = [...reachedAt].flatMap(([ticket, at]) => (answeredAt.has(ticket) ? [at - answeredAt.get(ticket)!] : []));
  const kinds = classifyAnswers(fake.sent.map((message) => message.body));
  console.log(`\n${total} texts from ${numbers} numbers at ${rate}/s (every tenth delivered twice), ${conversations.size} conversations`);
  console.log(line('webhook answer time', webhook));
  console.log(line('inbound to dashboard socket', toDashboard));
  console.log(line('rep answer acknowledged', acks));
  console.log(line('rep answer to Messages.json', reached));
  console.log(`lost inbound: ${lost} of ${accepted} accepted   webhooks not accepted: ${JSON.stringify(Object.fromEntries(failures))}`);
  console.log(`answers sent: ${reachedAt.size} of ${conversations.size}   refused: ${JSON.stringify(Object.fromEntries(refused))}   sent twice: ${kinds.sentTwice}`);
  console.log(`answers as sent: ${kinds.translatedWithContext} translated with the conversation as context, ${kinds.translated} translated without, ${kinds.untranslated} in the rep's words (translation unavailable), ${kinds.other} other`);
  console.log(`target webhook p99 < 100 ms: ${percentile(webhook, 0.99) < 100 ? 'met' : 'NOT met'}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench:sms failed:', error);
    process.exit(1);
  },
);
