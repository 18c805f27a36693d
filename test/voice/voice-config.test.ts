import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { menuLanguages } from '../../src/voice/voice-languages.js';

const account = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_API_KEY_SID: `SK${'2'.repeat(32)}`, TWILIO_API_KEY_SECRET: 'secret',
  TWILIO_AUTH_TOKEN: 'token', PUBLIC_URL: 'https://support.example/',
};

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
};

describe('phone call configuration', () => {
  it('when TWILIO_VOICE is on with the account, then calls are configured with the menu languages, the wait and the confidence threshold', () => {
    const config = loadConfig({ ...account, TWILIO_VOICE: 'true', VOICE_LANGUAGES: 'es,en-us,ES', VOICE_MAX_WAIT_SECONDS: '45', VOICE_LOW_CONFIDENCE: '0.6' });
    expect(config.voice).toMatchObject({ account: { publicUrl: 'https://support.example' }, languages: ['ES', 'EN-US'], maxWaitSeconds: 45, lowConfidence: 0.6 });
    expect(loadConfig({ ...account }).voice).toBeUndefined();
    expect(loadConfig({ ...account, TWILIO_VOICE: 'true' }).voice).toMatchObject({ languages: ['EN-US', 'ES', 'FR', 'DE', 'ZH-HANS', 'AR'], maxWaitSeconds: 90, lowConfidence: 0.5 });
  });

  it('when calls are on without the account, the auth token or PUBLIC_URL, or with a bad wait, then start-up stops naming the variable', () => {
    expect(problems({ TWILIO_VOICE: 'true', TWILIO_AUTH_TOKEN: 't', PUBLIC_URL: 'https://x.example' }).join('\n')).toMatch(/TWILIO_VOICE: needs TWILIO_ACCOUNT_SID/);
    expect(problems({ ...account, TWILIO_AUTH_TOKEN: '', TWILIO_VOICE: 'true' }).join('\n')).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(problems({ ...account, TWILIO_VOICE: 'true', VOICE_MAX_WAIT_SECONDS: '0' }).join('\n')).toMatch(/VOICE_MAX_WAIT_SECONDS/);
    expect(problems({ ...account, TWILIO_VOICE: 'true', VOICE_LANGUAGES: 'spanish!' }).join('\n')).toMatch(/VOICE_LANGUAGES/);
  });

  it('when a configured language has no speech recognition or voice in the table, then the channel refuses to start, naming it', () => {
    expect(menuLanguages(['ES', 'zh']).map((language) => [language.deepl, language.speech, language.say])).toEqual([['ES', 'es-MX', 'es-MX'], ['ZH-HANS', 'cmn-Hans-CN', 'cmn-CN']]);
    expect(() => menuLanguages(['ES', 'XX'])).toThrow(/VOICE_LANGUAGES: XX is not a language/);
  });
});
