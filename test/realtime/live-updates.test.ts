import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, DashboardActivity, DashboardRow } from '../../src/contract/chat.js';
import { toDashboardRow, type ConversationView } from '../../src/conversations/index.js';
import { createDashboardFeed, type DashboardFeedOptions } from '../../src/realtime/dashboard-feed.js';
import { memoryKey } from '../../src/translation/index.js';
import { TranslationMemoryModel } from '../../src/translation/translation-memory.model.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from '../translation/local-deepl.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_live_updates');
const deepl = useDeeplServer();

let composition: ReturnType<typeof composeTestApp>;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let customer: TestAccount;
let rep: TestAccount;

beforeAll(async () => {
  composition = composeTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '1000' }) });
  server = await startRealtimeServer(composition);
  [customer, rep] = await Promise.all([createCustomer({ language: 'ES' }), createRep({ language: 'EN-US' })]);
});
afterAll(() => server.close());

const socketFor = async (account: TestAccount, role: 'customer' | 'rep'): Promise<ChatSocket> =>
  server.signedIn(await sessionCookie(composition.app, role, account));


const clientId = (label: string) => `${label}-${Math.random().toString(36).slice(2, 12)}`;

function nextMessage(socket: ChatSocket, body: string): Promise<ChatMessage> {
  return new Promise((done) => socket.on('message:new', (message) => message.body === body && done(message)));
}

describe('live message events', () => {
  it('when the memory already has the reader\'s translation, then message:new carries it; a text it has not seen yet comes without', async () => {
    const id = await startConversation(composition.app, customer);
    const [customerSocket, repSocket] = await Promise.all([socketFor(customer, 'customer'), socketFor(rep, 'rep')]);
    await customerSocket.emitWithAck('conversation:join', { conversationId: id });
    await repSocket.emitWithAck('conversation:join', { conversationId: id });
    // The rep joins by answering, so the conversation has an English reader.
    await repSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('rep'), body: 'How can I help you?' });

    const first = nextMessage(repSocket, 'Gracias');
    const firstAck = await customerSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('c1'), body: 'Gracias' });
    expect((await first).translations).toBeUndefined();
    // Translating on write fills the memory; the same text again then travels with its translation.
    const key = memoryKey({ text: 'Gracias', source: 'ES', target: 'EN-US' });
    await vi.waitFor(async () => expect(await TranslationMemoryModel.findById(key).lean()).not.toBeNull());
    const second = nextMessage(repSocket, 'Gracias');
    const secondAck = await customerSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('c2'), body: 'Gracias' });

    expect((await second).translations).toEqual({ 'EN-US': { text: 'Thank you', detectedSourceLang: 'ES' } });
    // The sender's ack is the stored message: no translations in it.
    expect([firstAck, secondAck].map((ack) => ack.ok && 'translations' in ack.message)).toEqual([false, false]);
  });

  it('when a customer writes in a conversation a dashboard rep has not opened, then the rep gets its activity with the preview and no message:new', async () => {
    const carol = await createCustomer({ language: 'ES' });
    const id = await startConversation(composition.app, carol);
    const dashboard = await socketFor(rep, 'rep');
    const messages: ChatMessage[] = [];
    dashboard.on('message:new', (message) => messages.push(message));
    expect(await dashboard.emitWithAck('dashboard:subscribe')).toMatchObject({ ok: true });
    const row = new Promise<DashboardActivity>((done) =>
      dashboard.on('conversations:updated', ({ activity }) => {
        const found = activity.find((candidate) => candidate.id === id && candidate.lastMessagePreview !== '');
        if (found) done(found);
      }),
    );
    const carolSocket = await socketFor(carol, 'customer');
    await carolSocket.emitWithAck('message:send', { conversationId: id, clientId: clientId('carol'), body: 'Hola' });

    // Only what the message changed: the rest of the row is what the dashboard already holds.
    await expect(row).resolves.toEqual({ id, lastMessagePreview: 'Hola', lastMessageLanguage: 'ES', lastActivityAt: expect.any(String), unread: 1, unreadByRep: {} });
    // Events to one socket keep their order: a message:new would have come before the row.
    expect(messages).toEqual([]);
  });
});

const view = (id: string, overrides: Partial<ConversationView> = {}): ConversationView => ({
  id,
  status: 'open',
  channel: 'web',
  formality: 'default',
  detectedLanguage: null,
  detectedStreak: 0,
  languageSuggestion: null,
  assignee: null,
  customer: { id: 'c'.repeat(24), username: 'carol', language: 'ES' },
  transportId: id,
  reps: [],
  lastActivityAt: new Date('2026-12-01T10:00:00Z'),
  lastMessagePreview: '',
  lastMessageLanguage: null,
  messageCount: 0,
  unread: {},
  createdAt: new Date('2026-12-01T09:00:00Z'),
  closedAt: null,
  ...overrides,
});

/** A Socket.IO server stand-in that records broadcasts; the rooms are empty. */
function recordingServer() {
  const sent: { room: string; event: string; payload: unknown }[] = [];
  const io = {
    to: (room: string) => ({ emit: (event: string, payload: unknown) => sent.push({ room, event, payload }) }),
    in: () => ({ fetchSockets: async () => [] }),
  };
  return { io: io as unknown as DashboardFeedOptions['io'], sent };
}

describe('dashboard feed', () => {
  const startFeed = (io: DashboardFeedOptions['io']) =>
    createDashboardFeed({ io, dashboardRoom: 'dashboard', conversationRoom: (id) => `conversation:${id}`, windowMs: 60_000, logger: memoryLogger().logger });
  type Update = { conversations: DashboardRow[]; activity: DashboardActivity[] };

  it('when conversations change several times within a window, then one broadcast carries each latest state once: activity for those that only got messages, whole rows for the others', () => {
    const { io, sent } = recordingServer();
    const feed = startFeed(io);
    feed.changed(view('a', { lastMessagePreview: 'one', messageCount: 1 }), 'message');
    feed.changed(view('b', { lastMessagePreview: 'other', status: 'closed' }), 'other');
    feed.changed(view('a', { lastMessagePreview: 'two', messageCount: 2 }), 'message');
    feed.changed(view('c', { lastMessagePreview: 'three' }), 'message');
    expect(sent).toEqual([]);
    feed.close();

    expect(sent).toHaveLength(1);
    const { room, event, payload } = sent[0]!;
    expect([room, event]).toEqual(['dashboard', 'conversations:updated']);
    const { conversations, activity } = payload as Update;
    expect(conversations.map((row) => [row.id, row.lastMessagePreview, row.status])).toEqual([['b', 'other', 'closed']]);
    expect(activity.map((row) => [row.id, row.lastMessagePreview])).toEqual([['a', 'two'], ['c', 'three']]);
    expect(Object.keys(activity[0]!).sort()).toEqual(['id', 'lastActivityAt', 'lastMessageLanguage', 'lastMessagePreview', 'unread', 'unreadByRep']);
  });

  it('when a conversation got a message and another change within one window, in either order, then it goes as its whole row', () => {
    const { io, sent } = recordingServer();
    const feed = startFeed(io);
    feed.changed(view('a', { lastMessagePreview: 'one' }), 'message');
    feed.changed(view('a', { lastMessagePreview: 'one', status: 'closed' }), 'other');
    feed.changed(view('b', { assignee: { id: 'r1', username: 'ann', since: '2026-12-01T10:00:00.000Z', handedOverBy: null, note: null } }), 'other');
    feed.changed(view('b', { lastMessagePreview: 'after the hand-over' }), 'message');
    feed.close();

    const { conversations, activity } = sent[0]!.payload as Update;
    expect(conversations.map((row) => [row.id, row.status, row.lastMessagePreview])).toEqual([['a', 'closed', 'one'], ['b', 'open', 'after the hand-over']]);
    expect(activity).toEqual([]);
  });

  it('when reps joined a conversation, then its row carries their own unread counts and the queue\'s for everyone else', () => {
    const joined = view('a', { reps: [{ id: 'r1', username: 'ann', language: 'EN-US' }], unread: { r1: 2, team: 5, ['c'.repeat(24)]: 0 } });

    expect(toDashboardRow(joined)).toMatchObject({ unread: 5, unreadByRep: { r1: 2 } });
  });
});
