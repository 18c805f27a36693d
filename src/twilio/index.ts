// The door to the Twilio channel: Twilio Conversations as the message transport, its browser
// tokens, its signed webhooks, and the set-up of roles and webhooks from code.
import type { Router } from 'express';
import type { Config } from '../config.js';
import { createBuiltinTransport, type AccessTokenIssuer, type ConversationsFeature, type MessageTransport } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import { createAccessToken } from './access-token.js';
import { conversationsWebhookRoutes } from './conversations-webhook.routes.js';
import { createConversationsWebhookService } from './conversations-webhook.service.js';
import { createTwilioRestClient, serviceSidResolver } from './twilio-client.js';
import { createTwilioTransport } from './twilio-transport.js';

export { createTwilioRestClient, serviceSidResolver } from './twilio-client.js';
export { parleyRoles, parleyWebhookFilters, conversationsWebhookPath, setUpTwilioRoles, setUpTwilioWebhooks, type SetupReport } from './twilio-setup.js';
export { twilioErrors } from './twilio-transport.js';
export { createAccessToken, type AccessTokenGrant } from './access-token.js';
export { requireTwilioSignature } from './webhook-signature.js';

export interface MessageChannel {
  transport: MessageTransport;
  /** Browser tokens: only Twilio has them. */
  issueToken?: AccessTokenIssuer;
  /** Twilio's webhooks, when Twilio is the transport. */
  webhookRoutes?: (conversations: ConversationsFeature) => Router;
}

/** Twilio Conversations when Twilio is configured, else the built-in transport. */
export function chooseMessageChannel(config: Readonly<Config>, logger: Logger): MessageChannel {
  const twilio = config.twilio;
  if (!twilio) return { transport: createBuiltinTransport() };
  const client = createTwilioRestClient(twilio);
  const serviceSid = serviceSidResolver(client, twilio.conversationsServiceSid);
  return {
    transport: createTwilioTransport({ client, serviceSid, logger }),
    issueToken: async (identity) => createAccessToken(twilio, await serviceSid(), identity),
    webhookRoutes: (conversations) =>
      conversationsWebhookRoutes({
        service: createConversationsWebhookService({ conversations, logger }),
        authToken: twilio.authToken,
        publicUrl: twilio.publicUrl,
        logger,
      }),
  };
}
