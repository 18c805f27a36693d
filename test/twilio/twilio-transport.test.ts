import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioRestClient, serviceSidResolver } from '../../src/twilio/twilio-client.js';
import { createTwilioTransport } from '../../src/twilio/twilio-transport.js';
import { memoryLogger, testConfig } from '../support/app.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

let fake: TwilioFake;
let transport: ReturnType<typeof createTwilioTransport>;
let client: ReturnType<typeof createTwilioRestClient>;

beforeAll(async () => {
  fake = await startTwilioFake();
  const config = testConfig(fake.env({ withServiceSid: false }));
  client = createTwilioRestClient(config.twilio!);
  transport = createTwilioTransport({ client, serviceSid: serviceSidResolver(client, undefined), logger: memoryLogger().logger });
});
afterAll(() => fake.close());

const conversationsNamed = async (uniqueName: string) =>
  (await client.conversations.v1.services(fake.serviceSid).conversations.list()).filter((c) => c.uniqueName === uniqueName);

describe('Twilio adapter against the spec-validating fake', () => {
  it('when a conversation is created twice with the same id, then Twilio holds one and both calls return its SID', async () => {
    const first = await transport.createConversation('conv-twice');
    const second = await transport.createConversation('conv-twice');
    expect(second).toBe(first);
    expect(await conversationsNamed('conv-twice')).toHaveLength(1);
    expect(fake.requests.some((r) => r.operationId === 'CreateServiceConversation' && r.status === 409)).toBe(true);
  });

  it('when create answers 500 after storing, then a retry yields exactly one conversation', async () => {
    fake.failNext('CreateServiceConversation', { when: 'after', status: 500 });
    await expect(transport.createConversation('conv-lost-answer')).rejects.toMatchObject({ status: 500 });
    const sid = await transport.createConversation('conv-lost-answer');
    const found = await conversationsNamed('conv-lost-answer');
    expect(found.map((c) => c.sid)).toEqual([sid]);
  });

  it('when create answers 503 before storing, then a retry creates exactly one conversation', async () => {
    fake.failNext('CreateServiceConversation', { when: 'before', status: 503 });
    await expect(transport.createConversation('conv-not-stored')).rejects.toMatchObject({ status: 503 });
    expect(await conversationsNamed('conv-not-stored')).toHaveLength(0);
    const sid = await transport.createConversation('conv-not-stored');
    expect((await conversationsNamed('conv-not-stored')).map((c) => c.sid)).toEqual([sid]);
  });

  it('when a participant is added twice, then the second add succeeds and Twilio holds one participant', async () => {
    const sid = await transport.createConversation('conv-participants');
    await transport.addParticipant(sid, 'user-1');
    await transport.addParticipant(sid, 'user-1');
    const list = await client.conversations.v1.services(fake.serviceSid).conversations(sid).participants.list();
    expect(list.map((p) => p.identity)).toEqual(['user-1']);
    expect(fake.requests.filter((r) => r.operationId === 'CreateServiceConversationParticipant' && r.status === 409)).toHaveLength(1);
  });

  it('when a stored message is delivered, then Twilio holds it with its author and Parley attributes, and the sid comes back', async () => {
    const target = { id: 'conv-messages', transportId: await transport.createConversation('conv-messages') };
    const message = {
      id: '65a000000000000000000001', conversationId: 'conv-messages', clientId: 'c-deliver-1', authorId: 'u1',
      authorName: 'ana', authorRole: 'customer' as const, body: 'hola', language: 'ES', createdAt: new Date().toISOString(),
    };
    const { transportSid } = await transport.deliver!(target, message);
    const stored = fake.state.messages.get(target.transportId) ?? [];
    expect(stored.map((m) => [m.sid, m.author, m.body])).toEqual([[transportSid, 'u1', 'hola']]);
    expect(JSON.parse(stored[0]!.attributes)).toEqual({ clientId: 'c-deliver-1', authorName: 'ana', authorRole: 'customer', language: 'ES' });
    const create = fake.requests.find((r) => r.operationId === 'CreateServiceConversationMessage');
    expect(create?.status).toBe(201);
  });

  it('when a conversation is closed and then deleted, then Twilio shows it closed and then gone; deleting again is fine', async () => {
    const sid = await transport.createConversation('conv-close');
    await transport.closeConversation(sid);
    expect(fake.state.conversations.get(sid)?.state).toBe('closed');
    await transport.deleteConversation({ id: 'conv-close', transportId: sid });
    expect(fake.state.conversations.has(sid)).toBe(false);
    await expect(transport.deleteConversation({ id: 'conv-close', transportId: sid })).resolves.toBeUndefined();
  });

  it('when a request is outside the spec, then the fake refuses it like Twilio would', async () => {
    const roles = client.conversations.v1.services(fake.serviceSid).roles;
    await expect(roles.create({ friendlyName: 'x', type: 'galaxy' as 'conversation', permission: ['sendMessage'] })).rejects.toMatchObject({ status: 400 });
  });
});
