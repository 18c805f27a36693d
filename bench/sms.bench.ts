/**
 * `npm run bench:sms`: phone customers texting in. Signed inbound webhooks (Twilio's format, from
 * the local Twilio Messages server) at a steady rate from many numbers, into the app composed in
 * this process on loopback, with an embedded FerretDB and the local DeepL. A rep's dashboard socket
 * sees each text arrive; the rep answers every conversation once over the chat API, and the local
 * Messages API records what reaches the phones. A tenth of the webhooks are delivered twice, as
 * Twilio may.
 *
 * Prints the webhook answer time (Twilio waits on it: target p99 < 100 ms), inbound-to-dashboard
 * and rep-answer-to-Messages.json latencies, and lost / sent-twice counts (both must be 0).
 * The generator shares the process with the app, so the times include its own work.
 *
 *   npm run bench:sms                                   # 50 texts/s from 500 numbers for 20 s
 *   npm run bench:sms -- --rate 20 --numbers 100 --seconds 10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { io } from 'socket.io-client';
import { createUserService } from '../src/auth/index.js';
import { composeApplication } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/contract/chat.js';
import { Message } from '../src/conversations/message.model.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { freePort, startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { closeServer, listen } from '../src/lib/http-server.js';
import { createLogger } from '../src/lib/logger.js';
import { signIn } from '../test/support/chat-users.js';
import { startDeeplServer } from '../test/support/deepl-server.js';
import { startTwilioMessagingFake, type SentMessage } from '../test/support/twilio-messaging-server.js';

const options = new Command()
  .option('--rate <n>', 'inbound texts per second', '50')
  .option('--numbers <n>', 'distinct phone numbers', '500')
  .option('--seconds <n>', 'seconds of texting', '20')
  .parse()
  .opts<{ rate: string; numbers: string; seconds: string }>();
const rate = Number(options.rate);
const numbers = Number(options.numbers);
const seconds = Number(options.seconds);
const PUBLIC_URL = 'https://bench.parley.test';
const SUPPORT = '+15550001111';

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;
const line = (name: string, values: number[]) =>
  `${name.padEnd(34)} n=${String(values.length).padStart(6)}  p50=${percentile(values, 0.5).toFixed(1)} ms  p99=${percentile(values, 0.99).toFixed(1)} ms  max=${Math.max(...values).toFixed(1)} ms`;
const phone = (index: number) => `+1555${String(1_000_000 + index).padStart(7, '0')}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-sms-'));
  const database = await startEmbeddedMongo({ dataDir, port: await freePort() });
  await connectDatabase(database.uriFor('parley_bench_sms'));
  const deepl = await startDeeplServer();
  const answered = new Map<string, number>();
  const reached: number[] = [];
  const fake = await startTwilioMessagingFake({
    onSent: (message: SentMessage) => {
      const started = answered.get(message.body);
      if (started !== undefined) reached.push(performance.now() - started);
    },
  });
  const config = loadConfig({ ...fake.env(PUBLIC_URL), MESSAGE_TRANSPORT: 'builtin', NODE_ENV: 'production', SESSION_SECRET: 'bench-session-secret-0123456789abcdef', DEEPL_SERVER_URL: deepl.url, LOG_LEVEL: 'silent' });
  const composition = composeApplication(config, createLogger({ level: 'silent' }), { realtimeGuards: { messages: { limit: 1_000_000, windowMs: 10_000 } } });
  const server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.deliverTo(url, PUBLIC_URL);
  try {
    await run(url, fake, composition.phones?.idle ?? (async () => undefined), answered, reached);
  } finally {
    await realtime.close();
    await closeServer(server, 1_000);
    await Promise.all([fake.close(), deepl.close()]);
    await disconnectDatabase();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(url: string, fake: Awaited<ReturnType<typeof startTwilioMessagingFake>>, idle: () => Promise<void>, answered: Map<string, number>, reached: number[]): Promise<void> {
  const password = 'bench password 123';
  const rep = await createUserService({ bcryptCost: 4 }).createUser('rep', { username: `bench_rep_${Date.now().toString(36)}`, password, language: 'EN-US' });
  const session = await signIn({ url }, 'rep', { user: rep, username: rep.username, password });
  const socket = io(url, { transports: ['websocket'], extraHeaders: { cookie: session.cookie, origin: url }, forceNew: true }) as import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>;
  await new Promise<void>((done) => socket.once('connect', () => done()));
  await socket.emitWithAck('dashboard:subscribe');
  const textedAt = new Map<string, number>();
  const toDashboard: number[] = [];
  const conversations = new Set<string>();
  // Dashboards learn of a message from its conversation's row (coalesced over a short window):
  // a text has reached the dashboard when a row shows it as the preview.
  const seen = new Set<string>();
  socket.on('conversations:updated', ({ conversations: rows }) => {
    for (const row of rows) {
      if (row.channel === 'web') continue;
      conversations.add(row.id);
      const started = textedAt.get(row.lastMessagePreview);
      if (started !== undefined && !seen.has(row.lastMessagePreview)) {
        seen.add(row.lastMessagePreview);
        toDashboard.push(performance.now() - started);
      }
    }
  });

  const webhook: number[] = [];
  const failures = new Map<number, number>();
  const total = rate * seconds;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = start + (index * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    const body = `Necesito ayuda con mi pedido número ${index}`;
    inFlight.push((async () => {
      const sentAt = performance.now();
      textedAt.set(body, sentAt);
      const answer = await fake.text({ from: phone(index % numbers), to: SUPPORT, body });
      webhook.push(performance.now() - sentAt);
      if (answer.status !== 200) failures.set(answer.status, (failures.get(answer.status) ?? 0) + 1);
      if (index % 10 === 0) await fake.redeliver(answer.params);
    })());
  }
  await Promise.all(inFlight);
  console.log(`texting done after ${((performance.now() - start) / 1000).toFixed(1)} s; waiting for the work to finish`);
  await idle();
  console.log(`work done after ${((performance.now() - start) / 1000).toFixed(1)} s`);
  await sleep(500);
  const stored = await Message.countDocuments({ authorRole: 'customer' });
  // Printed now too: the inbound figures stand even if the answers' phase is cut off.
  console.log(line('webhook answer time', webhook));
  console.log(line('inbound to dashboard socket', toDashboard));
  console.log(`lost inbound: ${total - stored}; now the rep answers ${conversations.size} conversations at once`);

  // The rep answers every conversation over the dashboard socket (its per-user limit is raised for
  // the bench: one person answering hundreds of conversations at once is the load, not abuse).
  const refused = new Map<string, number>();
  await Promise.all([...conversations].map(async (conversationId, index) => {
    const body = `We are on it, ticket ${index}`;
    answered.set(`[ES] ${body}`, performance.now());
    const ack = await socket.emitWithAck('message:send', { conversationId, clientId: `bench-${index}-${Date.now()}`, body });
    if (!ack.ok) refused.set(ack.error.code, (refused.get(ack.error.code) ?? 0) + 1);
  }));
  await idle();
  const bodies = fake.sent.map((message) => message.body);
  socket.disconnect();

  console.log(`${total} texts from ${numbers} numbers at ${rate}/s (every tenth delivered twice), ${conversations.size} conversations`);
  console.log(line('webhook answer time', webhook));
  console.log(line('inbound to dashboard socket', toDashboard));
  console.log(line('rep answer to Messages.json', reached));
  console.log(`lost inbound: ${total - stored}   webhook errors: ${JSON.stringify(Object.fromEntries(failures))}`);
  console.log(`answers sent: ${bodies.length} of ${conversations.size}   refused: ${JSON.stringify(Object.fromEntries(refused))}   sent twice: ${bodies.length - new Set(bodies).size}`);
}

// A hung run must still end.
setTimeout(() => {
  console.error('bench:sms exceeded its limit');
  process.exit(1);
}, (seconds + 300) * 1000).unref();
await main();
