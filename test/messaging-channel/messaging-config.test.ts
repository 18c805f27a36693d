import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const account = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_API_KEY_SID: `SK${'2'.repeat(32)}`, TWILIO_API_KEY_SECRET: 'secret',
  TWILIO_AUTH_TOKEN: 'token', PUBLIC_URL: 'https://support.example/',
};

describe('SMS and WhatsApp configuration', () => {
  it('when TWILIO_MESSAGING is on with the account, then messaging is configured with the default language and variants', () => {
    const config = loadConfig({ ...account, TWILIO_MESSAGING: 'true', CHANNEL_LANGUAGE_VARIANTS: 'en:en-gb,PT:PT-PT' });
    expect(config.messaging).toMatchObject({
      account: { accountSid: account.TWILIO_ACCOUNT_SID, publicUrl: 'https://support.example' },
      defaultLanguage: 'EN-US', languageVariants: { EN: 'EN-GB', PT: 'PT-PT' }, messagingServiceSid: undefined,
    });
    expect(config.twilio).toBeDefined();
  });

  it('when MESSAGE_TRANSPORT=builtin, then chat stays on the built-in transport and the account serves messaging only', () => {
    const config = loadConfig({ ...account, TWILIO_MESSAGING: 'true', MESSAGE_TRANSPORT: 'builtin' });
    expect(config.twilio).toBeUndefined();
    expect(config.messaging?.account.accountSid).toBe(account.TWILIO_ACCOUNT_SID);
  });

  it('when messaging is on without the account, the auth token or PUBLIC_URL, or with a bad service sid, then start-up stops naming the variable', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [String(error)];
      }
    };
    expect(problems({ TWILIO_MESSAGING: 'true' }).join('\n')).toMatch(/TWILIO_MESSAGING: needs TWILIO_ACCOUNT_SID/);
    expect(problems({ ...account, TWILIO_AUTH_TOKEN: '', TWILIO_MESSAGING: 'true' }).join('\n')).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(problems({ ...account, TWILIO_MESSAGING: 'true', TWILIO_MESSAGING_SERVICE_SID: 'nope' }).join('\n')).toMatch(/TWILIO_MESSAGING_SERVICE_SID/);
    expect(problems({ ...account, TWILIO_MESSAGING: 'true', CHANNEL_LANGUAGE_VARIANTS: 'english' }).join('\n')).toMatch(/CHANNEL_LANGUAGE_VARIANTS/);
    expect(loadConfig({ ...account }).messaging).toBeUndefined();
  });
});
