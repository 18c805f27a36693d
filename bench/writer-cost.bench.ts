/**
 * `npx tsx bench/writer-cost.bench.ts`: what the hot path's group commit costs the embedded
 * database per message once conversations are long (their documents carry a full list of newest
 * ids): messages written through the message writer to conversations that already hold 80 each,
 * in waves of concurrent sends. Prints the database's and this process's CPU per message and the
 * write commands per message (driver command monitoring). Runs the same on a branch without the
 * lists, for comparison.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import type { User } from '../src/contract/chat.js';
import { Conversation } from '../src/conversations/conversation.model.js';
import { conversationStore } from '../src/conversations/conversation.store.js';
import type { ConversationView } from '../src/conversations/conversation.view.js';
import { createMessageWriter } from '../src/conversations/message-writer.js';
import { Message } from '../src/conversations/message.model.js';
import { connectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { processCpuMs } from './lib/server-process.js';
import { closeBenchDatabase, runBench } from './lib/run-bench.js';

const conversations = 50;
const longAlready = 80;
const waves = 40;
const perWave = 100;

const person = (i: number): User => ({ id: new mongoose.Types.ObjectId().toString(), username: `c${i}`, role: 'customer', language: 'ES' });

async function writeWaves(writer: ReturnType<typeof createMessageWriter>, open: { view: ConversationView; author: User }[], count: number, tag: string) {
  for (let wave = 0; wave < count; wave += 1) {
    await Promise.all(
      Array.from({ length: perWave }, (_, k) => {
        const { view, author } = open[(wave * perWave + k) % open.length]!;
        return writer.write(view, { clientId: `${tag}-${wave}-${k}`, body: `Mensaje ${wave}-${k}`, language: 'ES', author }, author);
      }),
    );
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-writer-'));
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  try {
    await connectDatabase(database.uriFor('parley_writer_cost'), { monitorCommands: true });
    await Promise.all([Conversation.init(), Message.init()]);
    const open = await Promise.all(
      Array.from({ length: conversations }, async (_, i) => {
        const author = person(i);
        return { author, view: await conversationStore.create(author) };
      }),
    );
    const writer = createMessageWriter();
    await writeWaves(writer, open, (conversations * longAlready) / perWave, 'warm');

    let writes = 0;
    const count = (event: { commandName: string }) => void (['insert', 'update', 'delete', 'findAndModify'].includes(event.commandName) && (writes += 1));
    mongoose.connection.getClient().on('commandStarted', count);
    const pid = database.pid()!;
    const dbBefore = processCpuMs(pid);
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    await writeWaves(writer, open, waves, 'measured');
    const elapsed = performance.now() - started;
    const own = process.cpuUsage(ownBefore);
    const messages = waves * perWave;
    const listed = (await Conversation.findById(open[0]!.view.id).lean()) as { recentIds?: string[] } | null;
    console.log(`messages: ${messages} to ${conversations} conversations already holding ${longAlready} each; ids listed per conversation: ${listed?.recentIds?.length ?? 'none'}`);
    console.log(`database CPU per message: ${((processCpuMs(pid) - dbBefore) / messages).toFixed(3)} ms`);
    console.log(`this process's CPU per message: ${((own.user + own.system) / 1000 / messages).toFixed(3)} ms`);
    console.log(`write commands per message: ${(writes / messages).toFixed(3)}; elapsed ${elapsed.toFixed(0)} ms`);
  } finally {
    await closeBenchDatabase(database, dataDir);
  }
}

runBench('writer-cost', main);
