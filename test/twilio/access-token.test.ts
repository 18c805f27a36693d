import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createAccessToken } from '../../src/twilio/access-token.js';
import { testConfig } from '../support/app.js';

const env = {
  TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
  TWILIO_API_KEY_SID: 'SK' + 'b'.repeat(32),
  TWILIO_API_KEY_SECRET: 'the-api-key-secret-for-signing',
  TWILIO_TOKEN_TTL_SECONDS: '900',
  TWILIO_AUTH_TOKEN: 'the-account-auth-token',
  PUBLIC_URL: 'https://parley.example',
};
const serviceSid = 'IS' + 'c'.repeat(32);

interface TwilioClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  grants: { identity: string; chat: { service_sid: string } };
}

describe('access tokens', () => {
  it('when a token is issued, then it is signed with the API key secret and grants chat on the service to the user id', () => {
    const config = testConfig(env).twilio!;
    const grant = createAccessToken(config, serviceSid, 'user-42');
    const claims = jwt.verify(grant.token, env.TWILIO_API_KEY_SECRET, { algorithms: ['HS256'] }) as TwilioClaims;
    expect(claims.iss).toBe(env.TWILIO_API_KEY_SID);
    expect(claims.sub).toBe(env.TWILIO_ACCOUNT_SID);
    expect(claims.grants.identity).toBe('user-42');
    expect(claims.grants.chat).toEqual({ service_sid: serviceSid });
    expect(claims.exp - claims.iat).toBe(900);
    expect(Math.abs(Date.parse(grant.expiresAt) / 1000 - claims.exp)).toBeLessThanOrEqual(1);
    expect(grant.identity).toBe('user-42');
  });

  it('when the signature is checked with another secret, then verification fails', () => {
    const grant = createAccessToken(testConfig(env).twilio!, serviceSid, 'user-42');
    expect(() => jwt.verify(grant.token, 'some-other-secret')).toThrow(/signature/);
  });

  it('when no lifetime is configured, then the token lives one hour', () => {
    const { TWILIO_TOKEN_TTL_SECONDS: _ttl, ...withoutTtl } = env;
    const grant = createAccessToken(testConfig(withoutTtl).twilio!, serviceSid, 'user-7');
    const claims = jwt.decode(grant.token) as TwilioClaims;
    expect(claims.exp - claims.iat).toBe(3600);
  });
});
