import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApplication, describeComposition } from '../../src/composition.js';
import { memoryLogger, testConfig } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { startTwilioFake, type TwilioFake } from '../support/twilio-server.js';

useTestDatabase('transport_choice');

let fake: TwilioFake;
beforeAll(async () => {
  fake = await startTwilioFake();
});
afterAll(() => fake.close());

describe('choosing the message transport at startup', () => {
  it('when Twilio is not configured, then the built-in transport carries messages and the log says so', async () => {
    const { logger, lines } = memoryLogger();
    const config = testConfig({ LOG_LEVEL: 'info' });
    const composition = composeApplication(config, logger);
    describeComposition(config, composition, logger);
    expect(composition.deps.conversations.transport.kind).toBe('builtin');
    expect(lines().some((line) => line.includes('built-in realtime transport'))).toBe(true);
    const server = createServer();
    const realtime = await composition.attach(server);
    await realtime.close();
  });

  it('when the three Twilio settings are present, then Twilio carries messages and the log says so without secrets', async () => {
    const { logger, lines } = memoryLogger();
    const config = testConfig({ LOG_LEVEL: 'info', ...fake.env() });
    const composition = composeApplication(config, logger);
    describeComposition(config, composition, logger);
    expect(composition.deps.conversations.transport.kind).toBe('twilio');
    expect(lines().some((line) => line.includes('Twilio Conversations'))).toBe(true);
    expect(lines().join('\n')).not.toContain(fake.apiKeySecret);
    expect(lines().join('\n')).not.toContain(fake.authToken);
  });
});
