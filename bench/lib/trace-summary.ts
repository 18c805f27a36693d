/**
 * Reads a trace of the app's process (server-trace.ts) and says where the slow messaging webhook
 * answers spent their time: before their inbox insert started (signature, zod, the wait for the
 * group and for a pooled connection, a blocked event loop), in the insert (the database; with
 * FerretDB on SQLite, also the wait for the file's one writer), or after it; and what else ran then.
 *
 *   npx tsx bench/lib/trace-summary.ts trace.json [slow-ms]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Trace, TraceCommand } from './server-trace.js';

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;
const fmt = (values: number[]) => `p50 ${pct(values, 0.5).toFixed(1)} / p99 ${pct(values, 0.99).toFixed(1)} / max ${Math.max(0, ...values).toFixed(1)} ms`;
const overlaps = (a: { start: number; end: number }, from: number, to: number) => a.start < to && a.end > from;

interface Phased { start: number; end: number; before: number; insert: number; after: number; insertCommand?: TraceCommand }

function phases(trace: Trace): Phased[] {
  const insertOf = new Map<string, TraceCommand>();
  for (const command of trace.commands) if (command.name === 'insert' && command.ids) for (const id of command.ids) if (!insertOf.has(id)) insertOf.set(id, command);
  return trace.requests
    .filter((request) => request.path === '/webhooks/twilio/messaging')
    .map((request) => {
      const insert = request.sid ? insertOf.get(request.sid) : undefined;
      // A repeated webhook whose insert was an earlier one's: its own insert is not found by id.
      if (!insert || insert.start < request.start) return { ...request, before: request.end - request.start, insert: 0, after: 0 };
      return { ...request, before: insert.start - request.start, insert: insert.end - insert.start, after: request.end - insert.end, insertCommand: insert };
    });
}

function describeSlow(trace: Trace, request: Phased, origin: number): string {
  const lag = trace.lags.filter((entry) => entry.at < request.end && entry.at + entry.lag > request.start).reduce((max, entry) => Math.max(max, entry.lag), 0);
  const gc = trace.gcs.filter((entry) => entry.at < request.end && entry.at + entry.duration > request.start).reduce((sum, entry) => sum + entry.duration, 0);
  const during = request.insertCommand ?? request;
  const others = new Map<string, number>();
  for (const command of trace.commands) {
    if (command === request.insertCommand || !overlaps(command, during.start, during.end)) continue;
    const key = `${command.db}.${command.coll || '-'} ${command.name}`;
    others.set(key, (others.get(key) ?? 0) + 1);
  }
  const busiest = [...others].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([key, count]) => `${key}×${count}`).join(', ');
  return `  at ${((request.start - origin) / 1000).toFixed(2)} s: ${(request.end - request.start).toFixed(0)} ms = before ${request.before.toFixed(0)} + insert ${request.insert.toFixed(0)} (${request.insertCommand?.ids?.length ?? 0} texts) + after ${request.after.toFixed(0)}; loop lag ${lag.toFixed(0)} ms, GC ${gc.toFixed(0)} ms; alongside: ${busiest || 'nothing'}`;
}

export function summariseTrace(file: string, slowMs = 100): string {
  const trace = JSON.parse(readFileSync(file, 'utf8')) as Trace;
  const webhooks = phases(trace);
  if (webhooks.length === 0) return 'trace: no messaging webhooks';
  const origin = webhooks[0]!.start;
  const window = { from: origin, to: webhooks.at(-1)!.end };
  const inWindow = <T extends { at: number }>(entries: T[]) => entries.filter((entry) => entry.at >= window.from && entry.at <= window.to);
  const gcs = inWindow(trace.gcs);
  const lags = inWindow(trace.lags);
  const withInsert = webhooks.filter((request) => request.insertCommand);
  const slow = webhooks.filter((request) => request.end - request.start > slowMs).sort((a, b) => a.start - b.start);
  const lines = [
    `trace: ${webhooks.length} webhooks over ${((window.to - window.from) / 1000).toFixed(1)} s`,
    `  answer (in the app)  ${fmt(webhooks.map((request) => request.end - request.start))}`,
    `  before the insert    ${fmt(withInsert.map((request) => request.before))}`,
    `  the insert           ${fmt(withInsert.map((request) => request.insert))}`,
    `  after the insert     ${fmt(withInsert.map((request) => request.after))}`,
    `  event loop delay (whole run) p50 ${trace.loopDelay.p50.toFixed(1)} / p99 ${trace.loopDelay.p99.toFixed(1)} / max ${trace.loopDelay.max.toFixed(1)} ms; lags > 20 ms while texting: ${lags.length}, longest ${Math.max(0, ...lags.map((entry) => entry.lag)).toFixed(0)} ms`,
    `  GC while texting: ${gcs.length} pauses, ${gcs.reduce((sum, entry) => sum + entry.duration, 0).toFixed(0)} ms in all, longest ${Math.max(0, ...gcs.map((entry) => entry.duration)).toFixed(1)} ms`,
    `  answers over ${slowMs} ms: ${slow.length}`,
    ...slow.slice(0, 25).map((request) => describeSlow(trace, request, origin)),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(summariseTrace(process.argv[2]!, Number(process.argv[3] ?? 100)));
