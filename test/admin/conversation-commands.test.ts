import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { Message } from '../../src/conversations/message.model.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

/** Any control character but the newline between output lines, or a bidi override. */
const RAW_CONTROLS = /[^\P{Cc}\n]|\u202e/u;

describe('admin CLI: conversation and Twilio commands', { timeout: 120_000 }, () => {
  const database = useTestDatabase('conversation_commands');
  let fake: TwilioFake;
  beforeAll(async () => {
    fake = await startTwilioFake();
  });
  afterAll(() => fake.close());

  /** `npm run admin -- <args>` as a real process on this file's database. */
  async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
    const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name), ...env }, args);
    run.child.stdin.end();
    const code = await run.exited;
    return { code, output: run.output() };
  }

  async function startWith(env: NodeJS.ProcessEnv) {
    const feature = composeTestApp({ config: testConfig(env) }).deps.conversations;
    const customer = await createCustomer();
    const { conversation } = await feature.conversations.startOrResume(customer.user);
    return { feature, customer, conversation };
  }

  it('when conversations are listed, closed and deleted, then the database follows and the output says what happened', async () => {
    const { feature, customer, conversation } = await startWith({});
    await feature.messaging.send(customer.user, { conversationId: conversation.id, clientId: 'admin-test-1', body: 'hola' });
    const listed = await cli(['conversations:list', '--status', 'open']);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(new RegExp(`${conversation.id} +open .*customer=${customer.username} \\(ES\\).*"hola"`));

    const closed = await cli(['conversations:close', conversation.id]);
    expect(closed.output).toContain(`Closed conversation ${conversation.id}`);
    expect((await Conversation.findById(conversation.id).lean())?.status).toBe('closed');

    const deleted = await cli(['conversations:delete', conversation.id]);
    expect(deleted.code).toBe(0);
    expect(await Conversation.findById(conversation.id).lean()).toBeNull();
    expect(await Message.countDocuments({ conversationId: conversation.id })).toBe(0);

    const missing = await cli(['conversations:close', conversation.id]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('could not find that conversation');
  });

  it('when stored names and previews hold control characters, then the CLI prints them escaped, never raw', async () => {
    const { conversation } = await startWith({});
    // Written before bodies were normalised: a window-title escape, a colour, a bell, a carriage return.
    const preview = 'hi\u001b]0;owned\u0007\u001b[2J\rforged \u009b31m\u202eevil';
    await Conversation.updateOne({ _id: conversation.id }, { $set: { lastMessagePreview: preview, 'customer.username': 'ana\u001b[31m' } });

    const listed = await cli(['conversations:list']);
    expect(listed.code).toBe(0);
    expect(listed.output).not.toMatch(RAW_CONTROLS);
    expect(listed.output).toContain('customer=ana\\x1b[31m (ES)');
    expect(listed.output).toContain('"hi\\x1b]0;owned\\x07\\x1b[2J\\rforged \\x9b31m\\u202eevil"');

    const json = await cli(['conversations:list', '--json']);
    expect(json.output).not.toMatch(RAW_CONTROLS);
    const jsonLine = json.output.split('\n').find((line) => line.startsWith('[')) ?? '';
    const rows = JSON.parse(jsonLine) as { id: string; lastMessagePreview: string }[];
    expect(rows.find((row) => row.id === conversation.id)?.lastMessagePreview).toBe(preview);

    const closed = await cli(['conversations:close', conversation.id]);
    expect(closed.output).toContain('(customer "ana\\x1b[31m")');
  });

  it('when a conversation is deleted with the Twilio transport, then the Twilio conversation is deleted too', async () => {
    const env = fake.env();
    const { conversation } = await startWith(env);
    const sid = (await Conversation.findById(conversation.id).lean())!.transportId!;
    expect(fake.state.conversations.has(sid)).toBe(true);
    const deleted = await cli(['conversations:delete', conversation.id], env);
    expect(deleted.code).toBe(0);
    expect(deleted.output).toContain(`Twilio conversation ${sid}`);
    expect(fake.state.conversations.has(sid)).toBe(false);
  });

  it('when twilio:setup runs against the spec server, then it creates the roles with only the listed permissions and prints them', async () => {
    const setup = await cli(['twilio:setup'], fake.env({ withServiceSid: false }));
    expect(setup.code).toBe(0);
    const roles = [...fake.state.roles.values()].map((r) => [r.friendlyName, r.type, r.permissions]);
    expect(roles).toEqual([
      ['parley-user', 'service', ['joinConversation']],
      ['parley-participant', 'conversation', ['sendMessage']],
    ]);
    expect(setup.output).toContain('created service role parley-user');
    expect(setup.output).toContain('created conversation role parley-participant');
    expect(setup.output).toContain(fake.serviceSid);
    expect(setup.output).toContain('set post-event webhook https://parley.test/webhooks/twilio/conversations');
    expect(fake.webhooks.configuration.postWebhookUrl).toBe('https://parley.test/webhooks/twilio/conversations');
    expect(setup.output).not.toContain(fake.apiKeySecret);
    expect(setup.output).not.toContain(fake.authToken);
    const unconfigured = await cli(['twilio:setup']);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.output).toContain('Twilio is not configured');
  });
});
