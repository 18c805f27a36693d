import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '../../src/contract/chat.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { connectChat, newClientId, signIn, startConversation, waitForConnection, type ChatConnection } from '../support/chat-users.js';

// Two app instances sharing Redis: the feed goes through the Socket.IO adapter, and the rep's
// page (the real SocketChatClient) asks the instance it is connected to for the rows it lacks.

useTestDatabase('realtime_dashboard_instances');

let redis: RedisServer;
let instanceA: AppInstance;
let instanceB: AppInstance;
const connections: ChatConnection[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const config = instanceConfig({ REDIS_URL: redis.url });
  [instanceA, instanceB] = await Promise.all([startAppInstance(config), startAppInstance(config)]);
});

afterAll(async () => {
  for (const connection of connections) await connection.chat.close();
  await Promise.all([instanceA?.stop(), instanceB?.stop()]);
  await redis?.stop();
});

describe('the dashboard feed with several instances', () => {
  it('when a customer on instance A writes, then the dashboard page on instance B shows each message merged into the row it holds, and B answers the row as A stored it', async () => {
    const [customer, rep] = await Promise.all([signIn(instanceA, 'customer', await createCustomer({ language: 'ES' })), signIn(instanceB, 'rep', await createRep())]);
    const dashboard = connectChat(instanceB.url, rep);
    connections.push(dashboard);
    await waitForConnection(dashboard);
    const rows: ConversationSummary[] = [];
    dashboard.chat.on('conversationUpdated', (row) => rows.push(row));
    const held = await dashboard.chat.subscribeDashboard();
    const id = await startConversation(instanceA.url, customer);
    const writer = connectChat(instanceA.url, customer);
    connections.push(writer);
    await waitForConnection(writer);
    await writer.chat.join(id);
    // Not on the page it subscribed to: the page holds it from the creation event (through the adapter).
    expect(held.some((row) => row.id === id)).toBe(false);

    await writer.chat.send(id, newClientId('a1'), 'Hola');
    await vi.waitFor(() => expect(rows.filter((row) => row.id === id).at(-1)).toMatchObject({ lastMessagePreview: 'Hola', unread: 1, status: 'open', customer: { language: 'ES' } }));
    await writer.chat.send(id, newClientId('a2'), '¿Hay alguien?');

    await vi.waitFor(() => expect(rows.filter((row) => row.id === id).at(-1)).toMatchObject({ lastMessagePreview: '¿Hay alguien?', unread: 2, status: 'open', customer: { language: 'ES' } }));
    // What a page lacking the row asks instance B: the row as instance A stored it.
    await expect(dashboard.socket.emitWithAck('dashboard:rows', { ids: [id] })).resolves.toMatchObject({ ok: true, conversations: [{ id, lastMessagePreview: '¿Hay alguien?', unread: 2 }] });
  });
});
