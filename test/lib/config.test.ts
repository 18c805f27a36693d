import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('when nothing is set, then it uses the embedded defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.twilio).toBeUndefined();
    expect(config.bcryptCost).toBe(12);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.deepl)).toBe(true);
  });

  it('when MESSAGE_WRITE_WINDOW_MS is set, then the message writer waits that long, within 0 to 50 ms', () => {
    expect(loadConfig({}).messageWriteWindowMs).toBe(5);
    expect(loadConfig({ MESSAGE_WRITE_WINDOW_MS: '0' }).messageWriteWindowMs).toBe(0);
    expect(loadConfig({ MESSAGE_WRITE_WINDOW_MS: '12' }).messageWriteWindowMs).toBe(12);
    expect(() => loadConfig({ MESSAGE_WRITE_WINDOW_MS: '51' })).toThrowError(/MESSAGE_WRITE_WINDOW_MS/);
  });

  it('when PORT is not a number, then the error names PORT', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'abc' });
    } catch (error) {
      expect((error as ConfigError).problems.join()).toMatch(/^PORT: /);
    }
  });

  it('when production has no SESSION_SECRET, then it is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/SESSION_SECRET/);
  });

  it('when only part of the Twilio credentials is set, then it is refused', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' })).toThrowError(/go together/);
  });

  it('when all Twilio credentials are set, then the Twilio transport is configured', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_API_KEY_SID: 'SK1',
      TWILIO_API_KEY_SECRET: 'secret',
      TWILIO_AUTH_TOKEN: 'auth-token',
      PUBLIC_URL: 'https://support.example/',
    });
    expect(config.twilio?.tokenTtlSeconds).toBe(3600);
    expect(config.twilio?.publicUrl).toBe('https://support.example');
  });

  it('when Twilio is configured without the webhook settings, then both are named as missing', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_API_KEY_SID: 'SK1', TWILIO_API_KEY_SECRET: 'secret' };
    expect(() => loadConfig(twilio)).toThrowError(/TWILIO_AUTH_TOKEN[\s\S]*PUBLIC_URL/);
  });

  it('when MONGODB_URI is not a mongodb URL, then it is refused', () => {
    expect(() => loadConfig({ MONGODB_URI: 'http://db' })).toThrowError(/MONGODB_URI/);
  });

  it('when TRANSLATION_MONTHLY_CHARACTERS is set, then it is the monthly budget; empty means none, and a non-number is refused', () => {
    expect(loadConfig({ TRANSLATION_MONTHLY_CHARACTERS: '500000' }).translationMonthlyCharacters).toBe(500_000);
    expect(loadConfig({ TRANSLATION_MONTHLY_CHARACTERS: '' }).translationMonthlyCharacters).toBeUndefined();
    expect(() => loadConfig({ TRANSLATION_MONTHLY_CHARACTERS: 'lots' })).toThrowError(/TRANSLATION_MONTHLY_CHARACTERS/);
  });
});
