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

export interface MessageWritesResult {
  perSecond: number;
  p99: number;
  /** FerretDB CPU (ms) per message's writes. */
  databaseCpuPerMessage: number;
}

/**
 * Reference (b) of the capacity benchmark: the database alone doing what one message needs on
 * the hot path (insert the message; update its conversation by `_id`), from `concurrency` callers
 * over `conversations` conversations, closed loop for `ms`. `databaseCpuMs` reads FerretDB's CPU.
 */
export async function probeMessageWrites(options: { concurrency: number; ms: number; conversations: number; databaseCpuMs: () => number }): Promise<MessageWritesResult> {
  const db = mongoose.connection.db!;
  const messages = db.collection('bench_probe_messages');
  const conversations = db.collection('bench_probe_conversations');
  await messages.createIndex({ conversationId: 1, clientId: 1 }, { unique: true });
  await messages.createIndex({ conversationId: 1, _id: -1 });
  const ids = Array.from({ length: options.conversations }, () => new mongoose.Types.ObjectId());
  await conversations.insertMany(ids.map((_id) => ({ _id, status: 'open', messageCount: 0, unread: {}, lastActivityAt: new Date() })));
  const latencies: number[] = [];
  const cpuStart = options.databaseCpuMs();
  const started = performance.now();
  let sequence = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() - started < options.ms) {
        const conversationId = ids[sequence++ % ids.length]!;
        const before = performance.now();
        await messages.insertOne({ conversationId, clientId: `probe-${sequence}`, authorId: conversationId, authorName: 'probe', authorRole: 'customer', body: 'Mi pedido no ha llegado todavía', language: 'ES', transportSid: null, deliveryFailedAt: null, createdAt: new Date() });
        await conversations.findOneAndUpdate({ _id: conversationId }, { $inc: { messageCount: 1, 'unread.rep': 1 }, $set: { lastActivityAt: new Date(), lastMessagePreview: 'Mi pedido no ha llegado todavía', 'unread.customer': 0 } });
        latencies.push(performance.now() - before);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const cpuUsed = options.databaseCpuMs() - cpuStart;
  await messages.drop().catch(() => undefined);
  await conversations.drop().catch(() => undefined);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / (elapsed / 1000),
    p99: latencies[Math.max(0, Math.ceil(0.99 * latencies.length) - 1)] ?? NaN,
    databaseCpuPerMessage: cpuUsed / Math.max(1, latencies.length),
  };
}
