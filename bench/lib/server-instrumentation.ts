/**
 * Loaded into the app's process by the capacity benchmark (`node --import`), never by the app
 * itself. Two things the benchmark needs from inside the server:
 * - the driver's command monitoring, counted by command name, written to BENCH_COMMAND_COUNTS on
 *   SIGUSR2, so the benchmark can say how many database writes one message costs;
 * - per-user socket limits out of the way: a benchmark rep writes in ten conversations at rates
 *   no person does, and the limits would answer `rate_limited` instead of measuring the server.
 */
import { writeFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { defaultGuardSettings } from '../../src/realtime/socket-guards.js';

const unlimited = { limit: 1_000_000, windowMs: 10_000 };
Object.assign(defaultGuardSettings, { messages: unlimited, reads: unlimited, joins: unlimited, history: unlimited, dashboard: unlimited });

const counts: Record<string, number> = {};
let sequence = 0;
const connect = mongoose.connect.bind(mongoose);
mongoose.connect = ((uri: string, options?: mongoose.ConnectOptions) => {
  const connecting = connect(uri, { ...options, monitorCommands: true });
  void connecting.then(() => {
    mongoose.connection.getClient().on('commandStarted', (event) => {
      counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
    });
  });
  return connecting;
}) as typeof mongoose.connect;

const file = process.env.BENCH_COMMAND_COUNTS;
if (file) {
  process.on('SIGUSR2', () => {
    sequence += 1;
    writeFileSync(file, JSON.stringify({ sequence, counts }));
  });
}
