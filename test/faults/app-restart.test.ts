import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import type { ChatMessage } from '../../src/contract/chat.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { newClientId, openChat, type ChatConnection } from '../support/chat-users.js';

useTestDatabase('faults_restart');

let app: AppInstance;
let customer: ChatConnection;
let rep: ChatConnection;
let conversationId: string;

/**
 * What the chat page shows: live messages, plus the newest history page fetched again after each
 * reconnect (client/chat/chat-view.ts), merged by clientId.
 */
function pageView(connection: ChatConnection): Map<string, ChatMessage> {
  const shown = new Map<string, ChatMessage>();
  connection.chat.on('message', (message) => shown.set(message.clientId, message));
  connection.chat.on('connection', (state) => {
    if (state !== 'connected') return;
    connection.chat.loadHistory(conversationId).then(
      (page) => page.messages.forEach((message) => shown.set(message.clientId, message)),
      () => undefined,
    );
  });
  return shown;
}

beforeAll(async () => {
  app = await startAppInstance(instanceConfig());
  const [customerAccount, repAccount] = await Promise.all([createCustomer(), createRep()]);
  ({ conversationId, customer, rep } = await openChat(app, { customer: customerAccount, rep: repAccount }));
});

afterAll(async () => {
  await Promise.all([customer?.chat.close(), rep?.chat.close()]);
  await app?.stop();
});

describe('when the app restarts in the middle of a conversation', () => {
  it('then the clients reconnect by themselves, resend what was not acknowledged, and nothing is lost or doubled', async () => {
    const customerSees = pageView(customer);
    const repSees = pageView(rep);
    const sends = [
      customer.chat.send(conversationId, newClientId('c1'), 'Hola, necesito ayuda'),
      rep.chat.send(conversationId, newClientId('r1'), 'Hello, how can I help?'),
    ];
    await Promise.all(sends);

    // Cut while these are in flight: the server may or may not store them before it goes.
    sends.push(customer.chat.send(conversationId, newClientId('c2'), 'Mi pedido no ha llegado'));
    sends.push(rep.chat.send(conversationId, newClientId('r2'), 'Which order number?'));
    const port = app.port;
    await app.stop();
    // Written while the server is away: kept by the client until it is back.
    sends.push(customer.chat.send(conversationId, newClientId('c3'), 'El pedido 1234'));
    sends.push(rep.chat.send(conversationId, newClientId('r3'), 'Thank you, checking'));
    expect(customer.chat.pendingClientIds().length + rep.chat.pendingClientIds().length).toBeGreaterThanOrEqual(2);

    app = await startAppInstance(app.config, { port });
    const acknowledged = await Promise.all(sends);

    const stored = await Message.find({ conversationId }).lean();
    const clientIds = acknowledged.map((message) => message.clientId);
    expect(stored.map((message) => message.clientId).sort()).toEqual([...clientIds].sort());
    expect(new Set(acknowledged.map((message) => message.id)).size).toBe(acknowledged.length);
    await vi.waitFor(() => {
      expect([...customerSees.keys()].sort()).toEqual([...clientIds].sort());
      expect([...repSees.keys()].sort()).toEqual([...clientIds].sort());
    });
  });
});
