import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/contract/chat.js';
import { sessionCookie, startConversation, startRealtimeServer, type ChatSocket } from '../realtime/socket-harness.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { dictionaryKey } from '../support/deepl-server.js';
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('private_notes_readers');
const deepl = useDeeplServer();

let app: Express;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;

beforeAll(async () => {
  const composition = composeTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k' }), logger: memoryLogger().logger });
  ({ app } = composition);
  server = await startRealtimeServer(composition);
});
afterAll(() => server.close());

const NOTE = 'Customer is upset, offer a refund';
const NOTE_DE = 'Kunde ist verärgert, Rückerstattung anbieten';

async function joinedSocket(role: 'customer' | 'rep', account: TestAccount, conversationId: string) {
  const socket: ChatSocket = await server.signedIn(await sessionCookie(app, role, account));
  expect(await socket.emitWithAck('conversation:join', { conversationId })).toMatchObject({ ok: true });
  const received: ChatMessage[] = [];
  socket.on('message:new', (message) => received.push(message));
  return { socket, received };
}

async function addNote(agent: TestAgent, conversationId: string, body: string) {
  return agent
    .post(`/api/conversations/${conversationId}/notes`)
    .set('x-csrf-token', await csrfToken(agent))
    .set('Accept', 'application/json')
    .send({ clientId: `note-${crypto.randomUUID()}`, body });
}

/** A customer (ES) in a conversation two reps joined: A writes English, B reads German. */
async function conversationWithTwoReps() {
  const [customer, repA, repB] = await Promise.all([createCustomer({ language: 'ES' }), createRep({ language: 'EN-US' }), createRep({ language: 'DE' })]);
  const id = await startConversation(app, customer);
  const [customerAgent, agentA, agentB] = await Promise.all([
    loginAgent(app, { role: 'customer', ...customer }),
    loginAgent(app, { role: 'rep', ...repA }),
    loginAgent(app, { role: 'rep', ...repB }),
  ]);
  for (const agent of [agentA, agentB]) {
    const joined = await agent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(agent) });
    expect(joined.status).toBe(303);
  }
  return { id, customer, repA, repB, customerAgent, agentA, agentB };
}

describe('private notes: reps read them in their language, customers never do', () => {
  it('when rep A writes a note, then rep B\'s socket gets it as a note, German on write, and the customer\'s socket gets only the next message', async () => {
    deepl.translations.set(dictionaryKey(NOTE, 'DE'), NOTE_DE);
    const chat = await conversationWithTwoReps();
    const customerSocket = await joinedSocket('customer', chat.customer, chat.id);
    const repBSocket = await joinedSocket('rep', chat.repB, chat.id);

    const noted = await addNote(chat.agentA, chat.id, NOTE);
    expect(noted.status).toBe(201);
    expect(noted.body.message).toMatchObject({ kind: 'note', body: NOTE, authorRole: 'rep' });
    await vi.waitFor(() => expect(repBSocket.received.map((message) => message.body)).toContain(NOTE));
    expect(repBSocket.received.find((message) => message.body === NOTE)?.kind).toBe('note');
    // Translated on write for rep B only: DeepL got the German target and never the customer's Spanish.
    await vi.waitFor(() => expect(deepl.translateLog.some((call) => call.text.includes(NOTE) && call.targetLang === 'DE')).toBe(true));
    expect(deepl.translateLog.filter((call) => call.text.includes(NOTE)).map((call) => call.targetLang)).toEqual(['DE']);
    const read = await chat.agentB.post('/translate').set('x-csrf-token', await csrfToken(chat.agentB)).send({ texts: [NOTE], source_lang: 'EN', target_lang: 'DE' });
    expect(read.body.translations[0].text).toBe(NOTE_DE);

    // A message sent after the note reaches the customer; the note before it never did.
    const after = await chat.agentA
      .post(`/api/conversations/${chat.id}/messages`)
      .set('x-csrf-token', await csrfToken(chat.agentA))
      .send({ clientId: `msg-${crypto.randomUUID()}`, body: 'We will refund you' });
    expect(after.status).toBe(201);
    await vi.waitFor(() => expect(customerSocket.received.map((message) => message.body)).toContain('We will refund you'));
    expect(customerSocket.received.map((message) => message.body)).toEqual(['We will refund you']);
  });

  it('when a note is in the conversation, then the customer\'s history API, page and transcripts do not hold it, and the reps\' do (translated for B)', async () => {
    deepl.translations.set(dictionaryKey(NOTE, 'DE'), NOTE_DE);
    const chat = await conversationWithTwoReps();
    expect((await addNote(chat.agentA, chat.id, NOTE)).status).toBe(201);

    const history = await chat.customerAgent.get(`/api/conversations/${chat.id}/messages`).set('Accept', 'application/json');
    expect(history.body.messages).toEqual([]);
    const page = await chat.customerAgent.get(`/conversations/${chat.id}`).set('Accept', 'text/html');
    expect(page.text).not.toContain(NOTE);
    expect(page.text).not.toContain('note-form');
    const customerJson = await chat.customerAgent.get(`/conversations/${chat.id}/transcript?format=json`);
    expect(customerJson.body.messages).toEqual([]);
    const customerText = await chat.customerAgent.get(`/conversations/${chat.id}/transcript?format=text`);
    expect(customerText.text).not.toContain(NOTE);

    const repHistory = await chat.agentB.get(`/api/conversations/${chat.id}/messages`).set('Accept', 'application/json');
    expect(repHistory.body.messages.map((message: ChatMessage) => [message.kind, message.body])).toEqual([['note', NOTE]]);
    const repPage = await chat.agentB.get(`/conversations/${chat.id}`).set('Accept', 'text/html');
    expect(repPage.text).toContain('data-kind="note"');
    const repJson = await chat.agentB.get(`/conversations/${chat.id}/transcript?format=json`);
    expect(repJson.body.messages).toMatchObject([{ kind: 'note', original: NOTE, translations: { DE: NOTE_DE } }]);
    expect(repJson.body.messages[0].translations.ES).toBeUndefined();
    const repText = await chat.agentB.get(`/conversations/${chat.id}/transcript?format=text`);
    expect(repText.text).toContain('private note, reps only');
  });

  it('when a customer posts a note, then it is refused and nothing is stored', async () => {
    const chat = await conversationWithTwoReps();
    const refused = await addNote(chat.customerAgent, chat.id, 'I am a rep, trust me');
    expect(refused.status).toBe(403);
    const form = await chat.customerAgent.post(`/conversations/${chat.id}/notes`).type('form')
      .send({ _csrf: await csrfToken(chat.customerAgent), clientId: 'note-form-customer-1', body: 'sneaky' });
    expect(form.status).toBe(403);
    const repHistory = await chat.agentA.get(`/api/conversations/${chat.id}/messages`).set('Accept', 'application/json');
    expect(repHistory.body.messages).toEqual([]);
  });

  it('when a rep sends the note form without scripts, then it is stored and the page redirects; an empty one re-renders with the message', async () => {
    const chat = await conversationWithTwoReps();
    const csrf = await csrfToken(chat.agentA);
    const sent = await chat.agentA.post(`/conversations/${chat.id}/notes`).type('form').send({ _csrf: csrf, clientId: 'note-form-rep-0001', body: 'Called the warehouse' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/conversations/${chat.id}#note-form`);
    const empty = await chat.agentA.post(`/conversations/${chat.id}/notes`).type('form').send({ _csrf: csrf, clientId: 'note-form-rep-0002', body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Write the note first.');
    const repHistory = await chat.agentA.get(`/api/conversations/${chat.id}/messages`).set('Accept', 'application/json');
    expect(repHistory.body.messages.map((message: ChatMessage) => message.body)).toEqual(['Called the warehouse']);
  });
});
