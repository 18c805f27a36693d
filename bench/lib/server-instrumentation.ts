/**
 * Loaded into the app's process by the capacity benchmark (`node --import`), never by the app
 * itself. Two things the benchmark needs from inside the server:
 * - the driver's command monitoring, counted by command name, written to BENCH_COMMAND_COUNTS on
 *   SIGUSR2, so the benchmark can say how many database writes one message costs;
 * - per-user socket limits out of the way: a benchmark rep writes in ten conversations at rates
 *   no person does, and the limits would answer `rate_limited` instead of measuring the server;
 * - with BENCH_CPU_PROFILE_DIR, a V8 CPU profile of the climb alone (not of the set-up): the
 *   signal starts it when BENCH_PROFILE_CONTROL says `start` and writes it when it says `stop`;
 * - with BENCH_TRACE_FILE, a timeline of requests, database commands, event loop lag and GC
 *   (server-trace.ts), written when the process exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { defaultGuardSettings } from '../../src/realtime/socket-guards.js';
import { startTrace, traceCommands } from './server-trace.js';

const unlimited = { limit: 1_000_000, windowMs: 10_000 };
Object.assign(defaultGuardSettings, { messages: unlimited, reads: unlimited, joins: unlimited, history: unlimited, dashboard: unlimited, dashboardRows: unlimited });

const counts: Record<string, number> = {};
let sequence = 0;
const traceFile = process.env.BENCH_TRACE_FILE;
if (traceFile) startTrace(traceFile);
const connect = mongoose.connect.bind(mongoose);
mongoose.connect = ((uri: string, options?: mongoose.ConnectOptions) => {
  const connecting = connect(uri, { ...options, monitorCommands: true });
  void connecting.then(() => {
    if (traceFile) traceCommands(mongoose.connection.getClient());
    mongoose.connection.getClient().on('commandStarted', (event) => {
      counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
    });
  });
  return connecting;
}) as typeof mongoose.connect;

// The other clients (the inboxes', the search index's): traced too, but not counted, so that the
// counts per message stay those of the main client.
if (traceFile) {
  const createConnection = mongoose.createConnection.bind(mongoose);
  mongoose.createConnection = ((uri: string, options?: mongoose.ConnectOptions) => {
    const connection = createConnection(uri, { ...options, monitorCommands: true });
    connection.once('connected', () => traceCommands(connection.getClient()));
    return connection;
  }) as typeof mongoose.createConnection;
}

const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
const control = process.env.BENCH_PROFILE_CONTROL;
let profiler: Session | undefined;

/** Starts or writes the profile as the control file asks (the in-thread inspector answers at once). */
function followProfileControl(): void {
  if (!profileDir || !control) return;
  const wanted = (() => {
    try {
      return readFileSync(control, 'utf8').trim();
    } catch {
      return '';
    }
  })();
  if (wanted === 'start' && !profiler) {
    profiler = new Session();
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.start');
  } else if (wanted === 'stop' && profiler) {
    const session = profiler;
    profiler = undefined;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(profileDir, `climb.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      session.disconnect();
    });
  }
}

const file = process.env.BENCH_COMMAND_COUNTS;
if (file) {
  process.on('SIGUSR2', () => {
    followProfileControl();
    sequence += 1;
    writeFileSync(file, JSON.stringify({ sequence, counts }));
  });
}
