import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioRestClient } from '../../src/twilio/twilio-client.js';
import { parleyRoles, parleyWebhookFilters, setUpTwilioRoles, setUpTwilioWebhooks } from '../../src/twilio/twilio-setup.js';
import { testConfig } from '../support/app.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

let fake: TwilioFake;
let client: ReturnType<typeof createTwilioRestClient>;

beforeAll(async () => {
  fake = await startTwilioFake();
  client = createTwilioRestClient(testConfig(fake.env()).twilio!);
});
afterAll(() => fake.close());

describe('twilio:setup roles', () => {
  it('when run on a fresh service, then it creates the roles with only the listed permissions and makes them the defaults', async () => {
    const report = await setUpTwilioRoles(client, fake.serviceSid);
    const roles = [...fake.state.roles.values()];
    expect(roles.map((r) => ({ name: r.friendlyName, type: r.type, permissions: r.permissions }))).toEqual([
      { name: 'parley-user', type: 'service', permissions: ['joinConversation'] },
      { name: 'parley-participant', type: 'conversation', permissions: ['sendMessage'] },
    ]);
    expect(roles.flatMap((r) => r.permissions)).not.toContain('createConversation');
    expect(fake.state.serviceConfiguration).toEqual({ service: report.roles.service, conversation: report.roles.conversation, creator: report.roles.conversation });
    expect(report.lines.filter((line) => line.startsWith('created'))).toHaveLength(2);
  });

  it('when run again after someone widened a role, then it narrows it back and creates nothing new', async () => {
    const participant = [...fake.state.roles.values()].find((r) => r.friendlyName === 'parley-participant')!;
    participant.permissions = ['sendMessage', 'addParticipant'];
    const created = fake.requests.filter((r) => r.operationId === 'CreateServiceRole').length;
    const report = await setUpTwilioRoles(client, fake.serviceSid);
    expect(fake.requests.filter((r) => r.operationId === 'CreateServiceRole')).toHaveLength(created);
    expect(participant.permissions).toEqual([...parleyRoles[1].permissions]);
    expect(report.lines.some((line) => line.startsWith('updated conversation role parley-participant'))).toBe(true);
    expect(report.lines.some((line) => line.includes('parley-user') && line.includes('already up to date'))).toBe(true);
  });
});

describe('twilio:setup webhooks', () => {
  it('when run, then the service posts the events Parley handles to PUBLIC_URL, and running again changes nothing', async () => {
    const first = await setUpTwilioWebhooks(client, fake.serviceSid, 'https://support.example');
    expect(fake.webhooks.configuration).toEqual({
      preWebhookUrl: null,
      postWebhookUrl: 'https://support.example/webhooks/twilio/conversations',
      filters: [...parleyWebhookFilters],
      method: 'POST',
    });
    expect(first).toEqual([expect.stringMatching(/^set post-event webhook https:\/\/support\.example\/webhooks\/twilio\/conversations/)]);

    const updates = () => fake.requests.filter((r) => r.operationId === 'UpdateServiceWebhookConfiguration').length;
    const before = updates();
    const second = await setUpTwilioWebhooks(client, fake.serviceSid, 'https://support.example');
    expect(updates()).toBe(before);
    expect(second[0]).toContain('already up to date');

    await setUpTwilioWebhooks(client, fake.serviceSid, 'https://moved.example');
    expect(fake.webhooks.configuration.postWebhookUrl).toBe('https://moved.example/webhooks/twilio/conversations');
  });
});
