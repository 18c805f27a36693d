/**
 * `npm run bench:voice`: phone callers. 50 calls at once (signed webhooks in Twilio's format,
 * from the local Twilio 2010 server) into the app composed in this process on loopback, with an
 * embedded FerretDB and the local DeepL. Each call rings, picks Spanish, then for each round every
 * caller speaks at the same moment and the rep answers every call at once over the dashboard
 * socket; the local Calls API records each call update.
 *
 * Prints the speech webhook's answer time (the caller hears silence meanwhile: target p99 < 200 ms),
 * overall and per round, whether the target is met, the time from the rep's send to the call
 * update request, and the load average. A request unanswered for 60 s ends the run, naming it. As a reference measured in the
 * same run, on the same app, the same is done for 50 SMS customers at once (inbound webhook answer,
 * rep answer to Messages.json). The generator shares the process with the app, so the times include
 * its own work.
 *
 *   npm run bench:voice                        # 50 calls, 5 rounds
 *   npm run bench:voice -- --calls 20 --rounds 3
 *   npm run bench:voice -- --settle 3000       # callers speak again once the app's background work is done
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { composeApplication, type Composition } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { freePort, startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { closeServer, listen } from '../src/lib/http-server.js';
import { createLogger } from '../src/lib/logger.js';
import { startDeeplServer } from '../test/support/deepl-server.js';
import { connectDashboardRep, type RepSocket } from './lib/dashboard-rep.js';
import { startTwilioMessagingFake, type CallUpdate, type SentMessage, type TwilioMessagingFake } from '../test/support/twilio-messaging-server.js';

const options = new Command()
  .option('--calls <n>', 'simultaneous calls', '50')
  .option('--rounds <n>', 'times each caller speaks', '5')
  .option('--settle <ms>', "pause after the rep's answers before the callers speak again (the app's background work, such as search indexing, finishes)", '0')
  .parse()
  .opts<{ calls: string; rounds: string; settle: string }>();
const calls = Number(options.calls);
const rounds = Number(options.rounds);
const settleMs = Number(options.settle);
const PUBLIC_URL = 'https://bench.parley.test';
const SUPPORT = '+15550001111';

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;
const line = (name: string, values: number[]) =>
  `${name.padEnd(40)} n=${String(values.length).padStart(5)}  p50=${percentile(values, 0.5).toFixed(1)} ms  p99=${percentile(values, 0.99).toFixed(1)} ms  max=${Math.max(...values).toFixed(1)} ms`;
const phone = (index: number) => `+1555${String(2_000_000 + index).padStart(7, '0')}`;
const hex = (index: number, width: number) => index.toString(16).padStart(width, '0');
const actionOf = (twiml: string, path: string) => (twiml.match(new RegExp(`"(${PUBLIC_URL}${path}[^"]*)"`))?.[1] ?? '').replaceAll('&amp;', '&');

/** Times from "the rep sent" (keyed by what arrives at Twilio) to the request reaching the local Twilio. */
const sentAt = new Map<string, number>();
const callUpdateTimes: number[] = [];
const messagesTimes: number[] = [];
const nextSpeech = new Map<string, string>();
/** Requests on their way (what → since when): a run that stalls says what it is waiting for. */
const outstanding = new Map<string, number>();

async function tracked<T>(what: string, request: () => Promise<T>): Promise<T> {
  const key = `${what} #${outstanding.size}-${performance.now().toFixed(3)}`;
  outstanding.set(key, performance.now());
  try {
    return await request();
  } finally {
    outstanding.delete(key);
  }
}

/** Database commands on their way (request id → what, since when), to name what a stalled request waits for. */
const commands = new Map<number, { what: string; since: number }>();
let commandsSeen = 0;

function watchDatabase(): void {
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (event) => {
    commandsSeen += 1;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    commands.set(event.requestId, { what: `${event.commandName} ${typeof target === 'string' ? target : ''}`.trim(), since: performance.now() });
  });
  const done = (event: { requestId: number }) => void commands.delete(event.requestId);
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
}

function slowCommands(): string {
  const slow = [...commands.values()].filter((command) => performance.now() - command.since > 10_000);
  return slow.length === 0 ? 'no database command older than 10 s' : `database commands older than 10 s: ${slow.slice(0, 8).map((command) => `${command.what} (${((performance.now() - command.since) / 1000).toFixed(0)} s)`).join(', ')}`;
}

/** A request unanswered this long ends the run (tidily, naming it) instead of waiting for the HTTP client's 300 s. */
const STALL_LIMIT_MS = 60_000;

function watchStalls(): { stop(): void; stalled: Promise<never> } {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, fail) => {
    timer = setInterval(() => {
      const waiting = [...outstanding].filter(([, since]) => performance.now() - since > 20_000);
      if (waiting.length === 0) return;
      const names = waiting.slice(0, 5).map(([what, since]) => `${what} (${((performance.now() - since) / 1000).toFixed(0)} s)`).join(', ');
      console.error(`still waiting for ${waiting.length} request(s): ${names}; ${slowCommands()} (of ${commandsSeen} sent)`);
      if (waiting.some(([, since]) => performance.now() - since > STALL_LIMIT_MS)) fail(new Error(`bench:voice stopped: a request got no answer within ${STALL_LIMIT_MS / 1000} s`));
    }, 10_000);
  });
  return { stop: () => clearInterval(timer), stalled };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-voice-'));
  const database = await startEmbeddedMongo({ dataDir, port: await freePort() });
  const uri = database.uriFor('parley_bench_voice');
  // Command events, so that a stalled run can say which database command it waits for.
  await connectDatabase(`${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`);
  watchDatabase();
  const deepl = await startDeeplServer();
  const fake = await startTwilioMessagingFake({
    onCallUpdate: (update: CallUpdate) => {
      const started = sentAt.get(update.callSid);
      if (started !== undefined) callUpdateTimes.push(performance.now() - started);
      nextSpeech.set(update.callSid, actionOf(update.twiml ?? '', '/webhooks/twilio/voice/speech'));
    },
    onSent: (message: SentMessage) => {
      const started = sentAt.get(message.to);
      if (started !== undefined) messagesTimes.push(performance.now() - started);
    },
  });
  const config = loadConfig({
    ...fake.env(PUBLIC_URL), TWILIO_VOICE: 'true', VOICE_LANGUAGES: 'EN-US,ES,FR', MESSAGE_TRANSPORT: 'builtin', NODE_ENV: 'production',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef', DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k', LOG_LEVEL: 'silent',
  });
  const composition = composeApplication(config, createLogger({ level: 'silent' }), { realtimeGuards: { messages: { limit: 1_000_000, windowMs: 10_000 } } });
  const server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.deliverTo(url, PUBLIC_URL);
  await composition.voice?.warm();
  try {
    const watchdog = watchStalls();
    await Promise.race([run(url, fake, composition), watchdog.stalled]).finally(() => watchdog.stop());
  } finally {
    await realtime.close();
    await closeServer(server, 1_000);
    await Promise.all([fake.close(), deepl.close()]);
    await disconnectDatabase();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function repSocket(url: string): Promise<{ socket: RepSocket; conversationOf: Map<string, string> }> {
  const { socket, onRow } = await connectDashboardRep(url);
  /** The customer's words (unique per call and round) → their conversation, from the live dashboard rows. */
  const conversationOf = new Map<string, string>();
  onRow((row) => conversationOf.set(row.lastMessagePreview, row.id));
  return { socket, conversationOf };
}

async function timed(what: string, send: () => Promise<{ status: number }>, into: number[], failures: number[]): Promise<void> {
  const started = performance.now();
  const answer = await tracked(what, send);
  into.push(performance.now() - started);
  if (answer.status !== 200) failures.push(answer.status);
}

async function answerAll(socket: RepSocket, targets: { key: string; conversationId: string }[], body: string): Promise<void> {
  await Promise.all(targets.map(async ({ key, conversationId }, index) => {
    sentAt.set(key, performance.now());
    const ack = await socket.emitWithAck('message:send', { conversationId, clientId: `bench-${key.replace(/\W/g, '')}-${index}-${Date.now()}`, body });
    if (!ack.ok) console.error(`rep send refused: ${ack.error.code}`);
  }));
}

async function run(url: string, fake: TwilioMessagingFake, composition: Composition): Promise<void> {
  const { socket, conversationOf } = await repSocket(url);
  const failures: number[] = [];
  const sids = Array.from({ length: calls }, (_, index) => `CA${hex(index, 8)}${'b'.repeat(24)}`);
  const params = (sid: string, index: number) => ({ CallSid: sid, AccountSid: fake.accountSid, From: phone(index), To: SUPPORT, CallStatus: 'in-progress' });
  // Every call rings and picks Spanish at once.
  await Promise.all(sids.map(async (sid, index) => {
    const menu = await tracked(`incoming call ${sid}`, () => fake.webhook(`${PUBLIC_URL}/webhooks/twilio/voice`, params(sid, index)));
    const chosen = await tracked(`language ${sid}`, () => fake.webhook(actionOf(menu.text, '/webhooks/twilio/voice/language'), { ...params(sid, index), Digits: '2' }));
    nextSpeech.set(sid, actionOf(chosen.text, '/webhooks/twilio/voice/speech'));
  }));
  const speech: number[] = [];
  const perRound: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    const said = sids.map((_, index) => `Hola, mi pedido número ${index}-${round} no ha llegado`);
    const times: number[] = [];
    await Promise.all(sids.map((sid, index) =>
      timed(`speech ${sid} round ${round + 1}`, () => fake.webhook(nextSpeech.get(sid) ?? '', { ...params(sid, index), SpeechResult: said[index] ?? '', Confidence: '0.9' }), times, failures)));
    perRound.push(times);
    speech.push(...times);
    await waitFor(() => said.every((text) => conversationOf.has(text)));
    await answerAll(socket, sids.map((sid, index) => ({ key: sid, conversationId: conversationOf.get(said[index] ?? '') ?? '' })), 'How can I help you?');
    await tracked(`rep answers, round ${round + 1}`, async () => composition.voice?.idle());
    if (settleMs > 0) await new Promise((done) => setTimeout(done, settleMs));
  }
  // The floor: the same webhook one call at a time (no queueing behind the other calls).
  const alone: number[] = [];
  for (const [index, sid] of sids.entries()) {
    await timed(`speech alone ${sid}`, () => fake.webhook(nextSpeech.get(sid) ?? '', { ...params(sid, index), SpeechResult: `Una cosa más, ${index}`, Confidence: '0.9' }), alone, failures);
  }
  await tracked('the last messages', async () => composition.voice?.idle());
  // Printed before the reference runs: a stall there does not lose the calls' figures.
  console.log(`${calls} simultaneous calls, ${rounds} rounds (every caller speaks, then the rep answers every call${settleMs > 0 ? `, then ${settleMs} ms pause` : ''})`);
  console.log(line('speech webhook answer time', speech));
  perRound.forEach((times, round) => console.log(line(`  round ${round + 1}`, times)));
  console.log(line('speech webhook, one call at a time', alone));
  console.log(line('rep send to call update request', callUpdateTimes));
  console.log(`call updates: ${fake.callUpdates.length} of ${calls * rounds}   webhook errors: ${JSON.stringify(failures)}`);
  console.log(`target, speech webhook p99 < 200 ms: ${percentile(speech, 0.99) < 200 ? 'met' : 'not met'} (p99 ${percentile(speech, 0.99).toFixed(0)} ms)`);
  await smsReference(fake, socket, conversationOf, composition, failures);
  socket.disconnect();
  console.log(`webhook errors, calls and texts: ${JSON.stringify(failures)}   database commands sent: ${commandsSeen}`);
  console.log(`load average at the end (1, 5, 15 min): ${loadavg().map((value) => value.toFixed(2)).join(', ')} on ${availableParallelism()} cores`);
}

/** The reference, same app and run: 50 SMS customers text at once, then the rep answers each. */
async function smsReference(fake: TwilioMessagingFake, socket: RepSocket, conversationOf: Map<string, string>, composition: Composition, failures: number[]): Promise<void> {
  const webhook: number[] = [];
  const alone: number[] = [];
  const texts = Array.from({ length: calls }, (_, index) => ({ from: phone(10_000 + index), body: `Mi pedido número ${index} no ha llegado (SMS)` }));
  await Promise.all(texts.map((text) => timed(`text ${text.from}`, () => fake.text({ ...text, to: SUPPORT }), webhook, failures)));
  for (const [index, text] of texts.entries()) await timed(`text alone ${index}`, () => fake.text({ from: phone(20_000 + index), body: `${text.body} otra vez`, to: SUPPORT }), alone, failures);
  await waitFor(() => texts.every((text) => conversationOf.has(text.body)));
  await answerAll(socket, texts.map((text) => ({ key: text.from, conversationId: conversationOf.get(text.body) ?? '' })), 'How can I help you?');
  await tracked('SMS answers', async () => composition.phones?.idle());
  console.log(`reference, same run: ${calls} SMS customers texting at once, then answered`);
  console.log(line('SMS inbound webhook answer time', webhook));
  console.log(line('SMS inbound webhook, one at a time', alone));
  console.log(line('rep send to Messages.json request', messagesTimes));
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for the dashboard');
    await new Promise((done) => setTimeout(done, 20));
  }
}

// A hung run must still end.
setTimeout(() => {
  console.error('bench:voice exceeded its limit');
  process.exit(1);
}, 600_000).unref();
await main();
