import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

useTestDatabase('twilio_conversations');

let fake: TwilioFake;
let feature: ConversationsFeature;
let app: ReturnType<typeof composeTestApp>['app'];
let alice: TestAccount;
let aliceAgent: TestAgent;

beforeAll(async () => {
  fake = await startTwilioFake();
  const config = testConfig(fake.env());
  const logger = memoryLogger().logger;
  const composition = composeTestApp({ config, logger });
  ({ app } = composition);
  feature = composition.deps.conversations;
  alice = await createCustomer();
  aliceAgent = await loginAgent(app, { role: 'customer', ...alice });
});
afterAll(() => fake.close());

async function start(agent: TestAgent) {
  const res = await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent) });
  return res;
}

describe('conversations over Twilio', () => {
  it('when Twilio loses the answer to create, then the customer retries and exactly one Twilio conversation exists', async () => {
    fake.failNext('CreateServiceConversation', { when: 'after', status: 500 });
    const failed = await start(aliceAgent);
    expect(failed.status).toBe(503);
    const retried = await start(aliceAgent);
    expect(retried.status).toBe(303);
    const id = retried.headers.location!.split('/').pop()!;
    const stored = await Conversation.findById(id).lean();
    const twilio = [...fake.state.conversations.values()].filter((c) => c.uniqueName === id);
    expect(twilio).toHaveLength(1);
    expect(stored?.transportId).toBe(twilio[0]!.sid);
    expect(await Conversation.countDocuments({ 'customer.id': alice.user.id })).toBe(1);
    expect(fake.state.participants.get(twilio[0]!.sid)?.map((p) => p.identity)).toEqual([alice.user.id]);
    const page = await aliceAgent.get(`/conversations/${id}`);
    expect(page.text).toContain('data-transport="twilio"');
    expect(page.text).toContain(`data-transport-id="${twilio[0]!.sid}"`);
  });

  it('when a participant asks for a token, then it carries their identity and the service; others get 404', async () => {
    const id = (await start(aliceAgent)).headers.location!.split('/').pop()!;
    const answer = await aliceAgent.post('/api/token').set('x-csrf-token', await csrfToken(aliceAgent)).send({ conversationId: id });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const claims = jwt.verify(answer.body.token, fake.apiKeySecret) as { grants: { identity: string; chat: { service_sid: string } } };
    expect(claims.grants).toEqual({ identity: alice.user.id, chat: { service_sid: fake.serviceSid } });
    expect(answer.body.conversationSid).toBe((await Conversation.findById(id).lean())?.transportId);

    const bobAgent = await loginAgent(app, { role: 'customer', ...(await createCustomer()) });
    const refused = await bobAgent.post('/api/token').set('x-csrf-token', await csrfToken(bobAgent)).send({ conversationId: id });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('not_found');
    expect(refused.body.token).toBeUndefined();

    const rep = await createRep();
    const repAgent = await loginAgent(app, { role: 'rep', ...rep });
    const dashboardToken = await repAgent.post('/api/token').set('x-csrf-token', await csrfToken(repAgent)).send({});
    expect(dashboardToken.status).toBe(200);
    expect((jwt.verify(dashboardToken.body.token, fake.apiKeySecret) as { grants: { identity: string } }).grants.identity).toBe(rep.user.id);
  });

  it('when a rep joins twice and sends without JavaScript, then Twilio has them once as participant and the message with its author', async () => {
    const id = (await start(aliceAgent)).headers.location!.split('/').pop()!;
    const rep = await createRep();
    const repAgent = await loginAgent(app, { role: 'rep', ...rep });
    for (let i = 0; i < 2; i += 1) {
      expect((await repAgent.post(`/support/${id}/join`).type('form').send({ _csrf: await csrfToken(repAgent) })).status).toBe(303);
    }
    const sid = (await Conversation.findById(id).lean())!.transportId!;
    expect(fake.state.participants.get(sid)?.map((p) => p.identity).sort()).toEqual([alice.user.id, rep.user.id].sort());
    const sent = await repAgent.post(`/conversations/${id}/messages`).type('form').send({ _csrf: await csrfToken(repAgent), body: 'Hello from Twilio', clientId: 'twilio-msg-1' });
    expect(sent.status).toBe(303);
    expect(fake.state.messages.get(sid)?.map((m) => [m.author, m.body])).toEqual([[rep.user.id, 'Hello from Twilio']]);
    const transcript = await aliceAgent.get(`/conversations/${id}/transcript?format=json`);
    expect(transcript.body.messages).toMatchObject([{ author: { id: rep.user.id, name: rep.username, role: 'rep' }, original: 'Hello from Twilio', language: 'EN-US' }]);
  });

  it('when a conversation is closed and then deleted by an admin, then Twilio closes and then deletes it', async () => {
    const id = (await start(aliceAgent)).headers.location!.split('/').pop()!;
    const sid = (await Conversation.findById(id).lean())!.transportId!;
    await aliceAgent.post(`/conversations/${id}/close`).type('form').send({ _csrf: await csrfToken(aliceAgent) });
    expect(fake.state.conversations.get(sid)?.state).toBe('closed');
    await feature.conversations.admin.remove(id);
    expect(fake.state.conversations.has(sid)).toBe(false);
    expect(await Conversation.findById(id).lean()).toBeNull();
  });
});
