import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { connectDatabase, disconnectDatabase } from '../../src/lib/database.js';
import { freePort, startEmbeddedMongo, type EmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { createCustomer, createRep } from '../support/auth.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { newClientId, openChat, type ChatConnection } from '../support/chat-users.js';

// A database server of this file's own: the shared one must not be stopped under other files.
const dataDir = mkdtempSync(join(tmpdir(), 'parley-db-restart-'));
let port: number;
let database: EmbeddedMongo | undefined;
let app: AppInstance;
let customer: ChatConnection;
let rep: ChatConnection;
let conversationId: string;

const readiness = async () => (await fetch(`${app.url}/readyz`)).status;

beforeAll(async () => {
  port = await freePort();
  database = await startEmbeddedMongo({ dataDir, port });
  // A short heartbeat (a connection-string option production may set too) notices the return quickly.
  await connectDatabase(`${database.uriFor('parley_faults_restart')}&heartbeatFrequencyMS=300`);
  app = await startAppInstance(instanceConfig());
  const [customerAccount, repAccount] = await Promise.all([createCustomer(), createRep()]);
  ({ conversationId, customer, rep } = await openChat(app, { customer: customerAccount, rep: repAccount }));
});

afterAll(async () => {
  await Promise.all([customer?.chat.close(), rep?.chat.close()]);
  await app?.stop();
  await disconnectDatabase();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('when the database restarts under a running app', () => {
  it('then /readyz goes 503 and back to 200, and messages from before and after are each stored once', { timeout: 60_000 }, async () => {
    const before = [newClientId('before'), newClientId('before')];
    await customer.chat.send(conversationId, before[0]!, 'Hola, necesito ayuda');
    await rep.chat.send(conversationId, before[1]!, 'Hello, how can I help?');
    expect(await readiness()).toBe(200);

    await database!.stop();
    await vi.waitFor(async () => expect(await readiness()).toBe(503), { timeout: 10_000, interval: 100 });

    database = await startEmbeddedMongo({ dataDir, port });
    await vi.waitFor(async () => expect(await readiness()).toBe(200), { timeout: 20_000, interval: 200 });

    const after = [newClientId('after'), newClientId('after')];
    await customer.chat.send(conversationId, after[0]!, 'Mi pedido no ha llegado');
    await rep.chat.send(conversationId, after[1]!, 'Let me check your order');
    // A browser that never saw the first ack sends it again: the same message, not a second one.
    const resent = await customer.chat.send(conversationId, before[0]!, 'Hola, necesito ayuda');

    const stored = await Message.find({ conversationId }).lean();
    expect(stored.map((message) => message.clientId).sort()).toEqual([...before, ...after].sort());
    expect(resent.id).toBe(stored.find((message) => message.clientId === before[0])?._id.toString());
    await vi.waitFor(() => expect(rep.received.map((message) => message.clientId)).toContain(after[0]));
  });
});
