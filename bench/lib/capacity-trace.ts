/**
 * Reads a trace of the app's process (server-trace.ts) taken during `npm run bench:chat --
 * --find-capacity --trace <file>` and says, per window (the idle measurement, each step), which
 * database work took how long: every command grouped by database, collection and name (count,
 * time in flight in all, per second of the window, longest), and the slow message inserts (the
 * group commits every message waits for) with what else was in flight during each. On the
 * embedded database one SQLite file has one writer at a time: a periodic job's write that is in
 * flight while a group commit waits is the stall the messages' tail comes from.
 *
 *   npx tsx bench/lib/capacity-trace.ts trace.json windows.json
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Trace, TraceCommand } from './server-trace.js';

/** A part of the run in wall-clock time (epoch ms), named as the benchmark prints it. */
export interface TraceWindow { label: string; from: number; to: number }

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;
const keyOf = (command: TraceCommand) => `${command.db}.${command.coll || '-'} ${command.name}`;
const overlaps = (a: { start: number; end: number }, from: number, to: number) => a.start < to && a.end > from;
/** The message writer's group commit: an insert into the main database's messages. */
const isMessageInsert = (command: TraceCommand) => command.name === 'insert' && command.coll === 'messages';

function byKey(commands: TraceCommand[], seconds: number): string[] {
  const groups = new Map<string, number[]>();
  for (const command of commands) groups.set(keyOf(command), [...(groups.get(keyOf(command)) ?? []), command.end - command.start]);
  return [...groups]
    .map(([key, durations]) => ({ key, durations, total: durations.reduce((sum, d) => sum + d, 0) }))
    .sort((a, b) => b.total - a.total)
    .slice(0, 14)
    .map(({ key, durations, total }) =>
      `    ${key.padEnd(44)} ×${String(durations.length).padStart(5)}  in flight ${total.toFixed(0).padStart(6)} ms (${(total / seconds).toFixed(1).padStart(6)} ms/s)` +
      `  p50 ${pct(durations, 0.5).toFixed(1)}  p99 ${pct(durations, 0.99).toFixed(1)}  max ${Math.max(...durations).toFixed(1)} ms`);
}

/** The slowest group commits, and the other commands in flight while each was. */
function slowInserts(commands: TraceCommand[], count: number): string[] {
  const inserts = commands.filter(isMessageInsert).sort((a, b) => (b.end - b.start) - (a.end - a.start)).slice(0, count);
  const durations = commands.filter(isMessageInsert).map((command) => command.end - command.start);
  const alongside = new Map<string, number>();
  const lines = inserts.map((insert) => {
    const others = new Map<string, number>();
    for (const command of commands) {
      if (command === insert || isMessageInsert(command) || !overlaps(command, insert.start, insert.end)) continue;
      others.set(keyOf(command), (others.get(keyOf(command)) ?? 0) + 1);
    }
    for (const key of others.keys()) alongside.set(key, (alongside.get(key) ?? 0) + 1);
    const listed = [...others].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([key, n]) => `${key}×${n}`).join(', ');
    return `      ${(insert.end - insert.start).toFixed(0).padStart(5)} ms (${insert.ids?.length ?? 0} messages): ${listed || 'nothing else'}`;
  });
  const share = [...alongside].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, n]) => `${key} ${n}`).join(', ');
  return [
    `    group commits (messages insert): ${durations.length}, p50 ${pct(durations, 0.5).toFixed(1)} / p99 ${pct(durations, 0.99).toFixed(1)} / max ${Math.max(0, ...durations).toFixed(1)} ms`,
    `    the ${inserts.length} slowest, with what else was in flight (of them, how many had each alongside: ${share || '–'}):`,
    ...lines,
  ];
}

export function summariseCapacityTrace(trace: Trace, windows: TraceWindow[], slowCount = 8): string {
  const origin = trace.timeOrigin ?? 0;
  const lines = ['Trace of the server (database commands in flight, as the server saw them: waiting for the SQLite writer included):'];
  for (const window of windows) {
    const from = window.from - origin;
    const to = window.to - origin;
    const seconds = (to - from) / 1000;
    const commands = trace.commands.filter((command) => command.start >= from && command.start < to);
    const lags = trace.lags.filter((entry) => entry.at >= from && entry.at < to);
    lines.push(`  ${window.label} (${seconds.toFixed(1)} s, ${commands.length} commands; event loop lags > 20 ms: ${lags.length}, longest ${Math.max(0, ...lags.map((entry) => entry.lag)).toFixed(0)} ms)`);
    lines.push(...byKey(commands, seconds));
    if (commands.some(isMessageInsert)) lines.push(...slowInserts(commands, slowCount));
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const trace = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Trace;
  console.log(summariseCapacityTrace(trace, JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as TraceWindow[]));
}
