import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

useTestDatabase('faults_twilio');

let fake: TwilioFake;
let app: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  fake = await startTwilioFake();
  app = buildTestApp({ config: testConfig(fake.env()) });
});
afterAll(() => fake?.close());

/** The "Start a conversation" button, as many times as the customer needs to press it. */
async function pressStart(agent: TestAgent): Promise<number> {
  return (await agent.post('/conversations').type('form').send({ _csrf: await csrfToken(agent) })).status;
}

describe('when the Twilio API answers 5xx while a conversation starts', () => {
  it('then pressing start again (in two tabs at once) ends with exactly one conversation and one participant each', async () => {
    const customer = await createCustomer();
    const tabs = await Promise.all([loginAgent(app, { role: 'customer', ...customer }), loginAgent(app, { role: 'customer', ...customer })]);
    fake.failNext('CreateServiceConversation', { when: 'after', status: 500 });
    fake.failNext('CreateServiceConversation', { when: 'before', status: 503 });
    fake.failNext('CreateServiceConversationParticipant', { when: 'after', status: 502 });

    const statuses: number[] = [];
    for (let round = 0; round < 4 && !statuses.includes(303); round += 1) {
      statuses.push(...(await Promise.all(tabs.map(pressStart))));
    }
    expect(statuses.filter((status) => status !== 303).every((status) => status === 503)).toBe(true);
    expect(statuses).toContain(303);
    expect(fake.requests.filter((request) => request.status >= 500)).toHaveLength(3);
    expect(await pressStart(tabs[0]!)).toBe(303);

    const stored = await Conversation.find({ 'customer.id': customer.user.id }).lean();
    expect(stored).toHaveLength(1);
    const twilio = [...fake.state.conversations.values()].filter((conversation) => conversation.uniqueName === stored[0]!._id.toString());
    expect(twilio.map((conversation) => conversation.sid)).toEqual([stored[0]!.transportId]);
    expect(fake.state.participants.get(twilio[0]!.sid)?.map((participant) => participant.identity)).toEqual([customer.user.id]);

    const rep = await createRep();
    const repAgent = await loginAgent(app, { role: 'rep', ...rep });
    fake.failNext('CreateServiceConversationParticipant', { when: 'after', status: 500 });
    const join = async () => (await repAgent.post(`/support/${stored[0]!._id.toString()}/join`).type('form').send({ _csrf: await csrfToken(repAgent) })).status;
    expect(await join()).toBe(503);
    expect(await join()).toBe(303);
    expect(fake.state.participants.get(twilio[0]!.sid)?.map((participant) => participant.identity)).toEqual([customer.user.id, rep.user.id]);
  });
});
