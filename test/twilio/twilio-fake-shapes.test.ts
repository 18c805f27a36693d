import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioRestClient } from '../../src/twilio/index.js';
import { testConfig } from '../support/app.js';
import { twilioConversationsSpecPath } from '../support/openapi/spec-validator.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
const addFormats = addFormatsModule.default;

const specId = 'https://spec.invalid/twilio.json';
let fake: TwilioFake;
let ajv: Ajv;

beforeAll(async () => {
  fake = await startTwilioFake();
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(withNullables(JSON.parse(readFileSync(twilioConversationsSpecPath(), 'utf8'))) as object, specId);
});
afterAll(() => fake.close());

/** OpenAPI 3.0 `nullable` as JSON Schema: `null` becomes one more allowed value. */
function withNullables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNullables);
  if (!value || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, child]) => [key, withNullables(child)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'], ...(Array.isArray(converted.enum) ? { enum: [...converted.enum, null] } : {}) };
  return { anyOf: [converted, { type: 'null' }] };
}

/** The response schema the spec gives for one operation and status. */
function responseSchemaErrors(pathTemplate: string, method: string, status: number, body: unknown): string[] {
  const pointer = ['paths', pathTemplate, method, 'responses', String(status), 'content', 'application/json', 'schema']
    .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/');
  const validate = ajv.getSchema(`${specId}#/${encodeURI(pointer)}`);
  if (!validate) throw new Error(`no response schema for ${method} ${pathTemplate} ${status}`);
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('the Twilio fake', () => {
  it('when the real client drives it, then every answer has the shape the spec gives for that operation', async () => {
    const client = createTwilioRestClient(testConfig(fake.env()).twilio!);
    const service = client.conversations.v1.services(fake.serviceSid);
    const conversation = await service.conversations.create({ uniqueName: 'shapes' });
    await service.conversations(conversation.sid).participants.create({ identity: 'u1' });
    await service.conversations(conversation.sid).messages.create({ author: 'u1', body: 'hi' });
    await service.conversations(conversation.sid).messages.list();
    await service.roles.create({ friendlyName: 'r', type: 'conversation', permission: ['sendMessage'] });
    await service.roles.list();
    await service.configuration().update({ defaultConversationRoleSid: [...fake.state.roles.keys()][0]! });
    await client.conversations.v1.configuration().fetch();

    const answered = fake.requests.filter((entry) => entry.status < 300 && entry.status !== 204);
    expect(answered.length).toBeGreaterThanOrEqual(8);
    const pathTemplates: Record<string, string> = {
      CreateServiceConversation: '/v1/Services/{ChatServiceSid}/Conversations',
      CreateServiceConversationParticipant: '/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants',
      CreateServiceConversationMessage: '/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages',
      ListServiceConversationMessage: '/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages',
      CreateServiceRole: '/v1/Services/{ChatServiceSid}/Roles',
      ListServiceRole: '/v1/Services/{ChatServiceSid}/Roles',
      UpdateServiceConfiguration: '/v1/Services/{ChatServiceSid}/Configuration',
      FetchConfiguration: '/v1/Configuration',
    };
    for (const entry of answered) {
      const template = pathTemplates[entry.operationId ?? ''];
      expect(template, `${entry.operationId} is covered`).toBeDefined();
      const method = entry.method.toLowerCase();
      expect(responseSchemaErrors(template!, method, entry.status, entry.response), `${entry.operationId}`).toEqual([]);
    }
  });
});
