/**
 * A timeline of the app's process under a benchmark, written to BENCH_TRACE_FILE when the process
 * exits; loaded by server-instrumentation.ts only when that variable is set, never by the app.
 * What it records, each with its time (performance.now(), ms since the process started):
 * - each HTTP request: when it arrived, when its answer finished, its path and (for the
 *   messaging webhook) its MessageSid;
 * - each database command: start, end, name, database and collection, and the `_id`s an insert
 *   carried (so a webhook's own inbox insert is found in the timeline);
 * - the event loop's lag (a 10 ms timer's lateness, when over 20 ms) and its delay histogram;
 * - garbage collection pauses.
 * bench/lib/trace-summary.ts reads it.
 */
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type mongoose from 'mongoose';

export interface TraceRequest { start: number; end: number; path: string; sid?: string }
export interface TraceCommand { start: number; end: number; name: string; db: string; coll: string; ids?: string[]; ok: boolean }
export interface Trace {
  requests: TraceRequest[];
  commands: TraceCommand[];
  lags: { at: number; lag: number }[];
  gcs: { at: number; duration: number; kind: number }[];
  loopDelay: { p50: number; p99: number; max: number };
  /** performance.timeOrigin of the process (epoch ms): times above plus this are wall-clock times. */
  timeOrigin?: number;
}

const trace: Trace = { requests: [], commands: [], lags: [], gcs: [], loopDelay: { p50: 0, p99: 0, max: 0 }, timeOrigin: performance.timeOrigin };

export function startTrace(file: string): void {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function traced(this: Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage & { body?: { MessageSid?: string } }, ServerResponse];
      const start = performance.now();
      res.once('finish', () => trace.requests.push({ start, end: performance.now(), path: (req.url ?? '').split('?')[0]!, sid: req.body?.MessageSid }));
    }
    return (emit as (this: Server, event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof Server.prototype.emit;

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let expected = performance.now() + 10;
  setInterval(() => {
    const now = performance.now();
    if (now - expected > 20) trace.lags.push({ at: expected, lag: now - expected });
    expected = now + 10;
  }, 10).unref();

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) trace.gcs.push({ at: entry.startTime, duration: entry.duration, kind: (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0 });
  }).observe({ entryTypes: ['gc'] });

  process.once('exit', () => {
    histogram.disable();
    trace.loopDelay = { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
    writeFileSync(file, JSON.stringify(trace));
  });
}

/** Records every command of this client (monitorCommands must be on). */
export function traceCommands(client: mongoose.mongo.MongoClient): void {
  const open = new Map<number, Omit<TraceCommand, 'end' | 'ok'>>();
  client.on('commandStarted', (event) => {
    const command = event.command as Record<string, unknown>;
    // A getMore names its collection apart (its own field holds the cursor id).
    const named = event.commandName === 'getMore' ? command.collection : command[event.commandName];
    const coll = typeof named === 'string' ? named : '';
    const documents = event.commandName === 'insert' ? (command.documents as { _id?: unknown }[] | undefined) : undefined;
    open.set(event.requestId, { start: performance.now(), name: event.commandName, db: event.databaseName, coll, ids: documents?.map((doc) => String(doc._id)) });
  });
  const finish = (ok: boolean) => (event: { requestId: number }) => {
    const started = open.get(event.requestId);
    if (!started) return;
    open.delete(event.requestId);
    trace.commands.push({ ...started, end: performance.now(), ok });
  };
  client.on('commandSucceeded', finish(true));
  client.on('commandFailed', finish(false));
}
