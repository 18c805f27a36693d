// bench:growth, the dashboard part: the rep dashboard's first page as the conversations grow, with
// the in-process queue (src/conversations/dashboard-queue.ts) built after each growth and timed
// apart, the renders with their rows in memory and read by _id, the queries as a reference, and the
// queue's footprint and cost per message at 20,000 and 1,000,000 open conversations.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mongoose from 'mongoose';
import type { User } from '../../src/contract/chat.js';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import { conversationCache } from '../../src/conversations/conversation-cache.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { dashboardQueue } from '../../src/conversations/dashboard-queue.js';
import { createOpenQueue } from '../../src/conversations/open-queue.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Median of `repeats` calls after `warmUps` calls; `before` runs untimed before each timed call. */
async function timed(work: () => Promise<unknown>, options: { repeats?: number; warmUps?: number; before?: () => void } = {}): Promise<number> {
  for (let i = 0; i < (options.warmUps ?? 3); i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < (options.repeats ?? 20); i += 1) {
    options.before?.();
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const customer = (i: number) => ({ id: new mongoose.Types.ObjectId(), username: `c${i}`, language: 'ES' });

/** Adds conversations until there are `total` (a third closed), in batches, straight into the database as another process would. */
async function growConversations(total: number): Promise<void> {
  const have = await Conversation.estimatedDocumentCount();
  for (let start = have; start < total; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, total - start) }, (_, k) => {
      const c = customer(start + k);
      const at = new Date(Date.now() - (start + k) * 1000);
      return { customer: c, openKey: c.id.toString(), status: (start + k) % 3 === 0 ? 'closed' : 'open', lastActivityAt: at, lastMessagePreview: 'Hola', lastMessageLanguage: 'ES', messageCount: 1, unread: { team: 1 }, reps: [], transportId: null, closedAt: null, createdAt: at, updatedAt: at };
    });
    await Conversation.insertMany(batch, { lean: true });
  }
}

/** Heap bytes per open conversation held by a queue of `size` entries (after full collections), and µs per message moving one to the top. */
function queueFootprint(size: number): { bytesPerEntry: number; microsPerMessage: number } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const owners = Array.from({ length: 50 }, () => new mongoose.Types.ObjectId().toString());
  const ids = Array.from({ length: size }, () => new mongoose.Types.ObjectId().toString());
  gc();
  const before = process.memoryUsage().heapUsed;
  const queue = createOpenQueue();
  const now = Date.now();
  ids.forEach((id, i) => queue.put(id, now - i * 1000, i % 3 === 0 ? null : (owners[i % owners.length] ?? null)));
  gc();
  const bytesPerEntry = (process.memoryUsage().heapUsed - before) / size;
  const moves = 100_000;
  const started = performance.now();
  for (let i = 0; i < moves; i += 1) queue.put(ids[(i * 7_919) % size] as string, now + i, i % 3 === 0 ? null : (owners[i % owners.length] ?? null));
  const microsPerMessage = ((performance.now() - started) * 1000) / moves;
  if (queue.size !== size) throw new Error('queue lost entries');
  return { bytesPerEntry, microsPerMessage };
}

export async function measureDashboard(feature: ConversationsFeature, rep: User, sizes: readonly number[]): Promise<void> {
  console.log('\n| conversations (open) | build the queue, once | dashboard first page: rows in memory (median) | rows read by _id (median of 5) | reference: the queries (median of 3) |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const size of sizes) {
    await growConversations(size);
    const open = await Conversation.countDocuments({ status: 'open' });
    const buildStarted = performance.now();
    const queue = await dashboardQueue.rebuild();
    const buildMs = performance.now() - buildStarted;
    if (queue?.size !== open) throw new Error(`the queue holds ${queue?.size} open conversations, the database ${open}`);
    const warm = await timed(() => feature.conversations.dashboard(rep));
    // A fresh conversation cache before each call: every row is one _id read.
    const cold = await timed(() => feature.conversations.dashboard(rep), { repeats: 5, warmUps: 1, before: () => conversationCache.configure(10_000) });
    const reference = await timed(
      () => Promise.all([conversationStore.page({ view: 'all', repId: rep.id, skip: 0, limit: 101 }), conversationStore.queueCounts(rep.id)]),
      { repeats: 3, warmUps: 1 },
    );
    console.log(`| ${size.toLocaleString('en')} (${open.toLocaleString('en')}) | ${buildMs.toFixed(0)} ms | ${warm.toFixed(1)} ms | ${cold.toFixed(1)} ms | ${reference.toFixed(1)} ms |`);
  }
  console.log('\n| open conversations in the queue | heap per open conversation | one message moving its conversation to the top |\n|---:|---:|---:|');
  for (const size of [20_000, 1_000_000]) {
    const { bytesPerEntry, microsPerMessage } = queueFootprint(size);
    console.log(`| ${size.toLocaleString('en')} | ${bytesPerEntry.toFixed(0)} B (${((bytesPerEntry * size) / 1e6).toFixed(1)} MB in all) | ${microsPerMessage.toFixed(2)} µs |`);
  }
}
