/**
 * The capacity ladder: the same load generator offers a rising message rate to a target (Parley,
 * or the bare relay reference) and measures each step; the first failing step ends the climb.
 */
import { performance } from 'node:perf_hooks';
import { countDeliveries, dashboardTraffic, PhaseMetrics, writeUntil, type Conversation, type Person } from './chat-load.js';

export interface CapacityTarget {
  name: string;
  /** CPU time (ms) the target's server process has used so far. */
  cpuMs(): number;
  /** CPU time (ms) of its database process, when it has one. */
  databaseCpuMs?: () => number;
  /** The server's driver command counts so far, when it reports them. */
  commands?: () => Promise<Record<string, number>>;
}

export interface StepResult {
  rate: number;
  sent: number;
  delivered: number;
  perSecond: number;
  /** Deliveries whose translation came in the event (no /translate). */
  carried: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  unacknowledged: number;
  errors: string;
  serverCpuPerMessage: number;
  databaseCpuPerMessage?: number;
  writesPerMessage?: number;
  readsPerMessage?: number;
  generatorCpuPerMessage: number;
  /** Bytes reps' sockets received for their dashboards (feed and row answers) per delivered message. */
  dashboardBytesPerMessage: number;
  /** Driver commands per delivered message, by command name (`insert 1.00, find 1.02, …`). */
  commands?: string;
  passed: boolean;
}

/** What the target must keep to pass a step. */
export const stepTarget = { p99Ms: 100 };

const writeCommands = new Set(['insert', 'update', 'findAndModify', 'delete']);
const readCommands = new Set(['find', 'aggregate', 'count', 'getMore', 'distinct']);
const drainMs = 10_000;
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;

function sumOf(after: Record<string, number>, before: Record<string, number>, names: Set<string>): number {
  return Object.entries(after).filter(([name]) => names.has(name)).reduce((sum, [name, n]) => sum + n - (before[name] ?? 0), 0);
}

function perName(after: Record<string, number>, before: Record<string, number>, delivered: number): string {
  return Object.entries(after)
    .map(([name, n]) => [name, (n - (before[name] ?? 0)) / delivered] as const)
    .filter(([, n]) => n >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ');
}

async function drain(metrics: PhaseMetrics): Promise<void> {
  const until = performance.now() + drainMs;
  const translateErrors = () => [...metrics.errors].filter(([kind]) => kind.startsWith('translate')).reduce((sum, [, n]) => sum + n, 0);
  const settled = () => metrics.unacknowledged() === 0 && metrics.lost() === 0 && metrics.latencies.length + translateErrors() >= metrics.seen.size;
  while (performance.now() < until && !settled()) await new Promise((done) => setTimeout(done, 100));
}

/** One step: `rate` messages/s offered over every conversation (both sides write) for `seconds`. */
export async function runStep(target: CapacityTarget, people: Person[], conversations: Conversation[], rate: number, seconds: number): Promise<StepResult> {
  const metrics = new PhaseMetrics();
  const stopCounting = countDeliveries(people, metrics);
  const intervalMs = ((conversations.length * 2) / rate) * 1000;
  const commandsBefore = await target.commands?.();
  const cpuStart = target.cpuMs();
  const databaseStart = target.databaseCpuMs?.();
  const generatorStart = process.cpuUsage();
  const dashboardBytesStart = dashboardTraffic.bytes;
  const started = performance.now();
  await writeUntil(conversations, metrics, intervalMs, started + seconds * 1000);
  const writing = performance.now() - started;
  // CPU is counted until the step's messages are all delivered (or the drain gives up).
  await drain(metrics);
  const delivered = Math.max(1, metrics.latencies.length);
  const generator = process.cpuUsage(generatorStart);
  const commandsAfter = await target.commands?.();
  stopCounting();
  const sorted = [...metrics.latencies].sort((a, b) => a - b);
  const result: StepResult = {
    rate,
    sent: metrics.sentAt.size,
    delivered: metrics.latencies.length,
    perSecond: metrics.latencies.length / (writing / 1000),
    carried: metrics.carried,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    lost: metrics.lost(),
    duplicated: metrics.duplicated(),
    unacknowledged: metrics.unacknowledged(),
    errors: [...metrics.errors].map(([kind, count]) => `${kind} ${count}`).join(', ') || '0',
    serverCpuPerMessage: (target.cpuMs() - cpuStart) / delivered,
    databaseCpuPerMessage: databaseStart === undefined ? undefined : (target.databaseCpuMs!() - databaseStart) / delivered,
    writesPerMessage: commandsBefore && commandsAfter ? sumOf(commandsAfter, commandsBefore, writeCommands) / delivered : undefined,
    readsPerMessage: commandsBefore && commandsAfter ? sumOf(commandsAfter, commandsBefore, readCommands) / delivered : undefined,
    generatorCpuPerMessage: (generator.user + generator.system) / 1000 / delivered,
    dashboardBytesPerMessage: (dashboardTraffic.bytes - dashboardBytesStart) / delivered,
    commands: commandsBefore && commandsAfter ? perName(commandsAfter, commandsBefore, delivered) : undefined,
    passed: false,
  };
  result.passed = result.p99 < stepTarget.p99Ms && result.lost === 0 && result.duplicated === 0 && result.unacknowledged === 0 &&
    result.errors === '0' && result.delivered === result.sent && result.sent > 0;
  return result;
}

export const stepHeader = [
  '| offered msg/s | delivered/s | delivered / sent | p50 | p99 | max | lost / dup / unacked | errors | server CPU/msg | DB CPU/msg | DB writes/msg | DB reads/msg | generator CPU/msg | dashboard bytes/msg | translation in event | step |',
  '|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|',
].join('\n');

const ms = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : `${n.toFixed(digits)} ms`);
const num = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));

export function stepRow(step: StepResult): string {
  return `| ${step.rate} | ${step.perSecond.toFixed(0)} | ${step.delivered} / ${step.sent} | ${ms(step.p50)} | ${ms(step.p99)} | ${ms(step.max)} | ` +
    `${step.lost} / ${step.duplicated} / ${step.unacknowledged} | ${step.errors} | ${ms(step.serverCpuPerMessage, 2)} | ${ms(step.databaseCpuPerMessage, 2)} | ` +
    `${num(step.writesPerMessage)} | ${num(step.readsPerMessage)} | ${ms(step.generatorCpuPerMessage, 2)} | ${step.dashboardBytesPerMessage.toFixed(0)} | ${step.carried} | ${step.passed ? 'pass' : 'FAIL'} |`;
}

/**
 * Steps through `rates` until one fails (or the deadline passes), then tries once halfway between
 * the last passing rate and the failing one. Capacity: the highest rate that passed.
 */
export async function climb(
  target: CapacityTarget,
  people: Person[],
  conversations: Conversation[],
  options: { rates: number[]; seconds: number; deadline: number },
): Promise<{ steps: StepResult[]; capacity: StepResult | undefined }> {
  const steps: StepResult[] = [];
  console.log(`\n${target.name}: ${conversations.length} conversations, ${people.length} sockets, ${options.seconds} s per step\n${stepHeader}`);
  const run = async (rate: number) => {
    const step = await runStep(target, people, conversations, rate, options.seconds);
    steps.push(step);
    console.log(stepRow(step));
    if (step.commands) console.log(`|  | database commands per message: ${step.commands} |`);
    // Let what is still in flight settle before the next step starts counting.
    await new Promise((done) => setTimeout(done, 2_000));
    return step;
  };
  let lastPassed: number | undefined;
  for (const rate of options.rates) {
    if (Date.now() > options.deadline) break;
    const step = await run(rate);
    if (step.passed) {
      lastPassed = rate;
      continue;
    }
    const between = lastPassed === undefined ? undefined : Math.round((lastPassed + rate) / 2);
    if (between !== undefined && Date.now() < options.deadline) await run(between);
    break;
  }
  const capacity = steps.filter((step) => step.passed).sort((a, b) => b.rate - a.rate)[0];
  return { steps, capacity };
}
