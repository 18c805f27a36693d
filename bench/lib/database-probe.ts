import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';

export interface ProbeResult {
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * What the database alone sustains on this machine: small inserts (a message is about one insert
 * and one update) from `concurrency` callers for `ms`. The chat figures are read against this.
 */
export async function probeDatabase(concurrency: number, ms = 3_000): Promise<ProbeResult> {
  const collection = mongoose.connection.db!.collection('bench_probe');
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < ms) {
        const before = performance.now();
        await collection.insertOne({ body: 'Mi pedido no ha llegado todavía', at: new Date() });
        latencies.push(performance.now() - before);
      }
    }),
  );
  await collection.drop().catch(() => undefined);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  return { concurrency, perSecond: latencies.length / (ms / 1000), p50: at(0.5), p99: at(0.99) };
}
