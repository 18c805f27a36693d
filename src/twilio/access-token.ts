import twilio from 'twilio';
import type { TwilioConfig } from '../config.js';

export interface AccessTokenGrant {
  token: string;
  identity: string;
  expiresAt: string;
}

/** A short-lived Twilio access token with a ChatGrant for the Conversations service. */
export function createAccessToken(config: TwilioConfig, serviceSid: string, identity: string, now = new Date()): AccessTokenGrant {
  const { AccessToken } = twilio.jwt;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const token = new AccessToken(config.accountSid, config.apiKeySid, config.apiKeySecret, {
    identity,
    ttl: config.tokenTtlSeconds,
  });
  token.addGrant(new AccessToken.ChatGrant({ serviceSid }));
  return {
    token: token.toJwt(),
    identity,
    expiresAt: new Date((nowSeconds + config.tokenTtlSeconds) * 1000).toISOString(),
  };
}
