import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import type { AccessTokenResponse } from '../realtime/protocol.js';
import { createAccessToken, type AccessTokenGrant } from './access-token.js';
import { createBuiltinTransport } from './builtin-transport.js';
import { ConversationEvents } from './conversation.events.js';
import { createConversationService } from './conversation.service.js';
import type { Actor, MessageTransport } from './conversation.types.js';
import { createMessagingService, type MessageTranslations } from './messaging.service.js';
import { createTranscriptService } from './transcript.service.js';
import { createTwilioRestClient, serviceSidResolver } from './twilio-client.js';
import { createTwilioTransport } from './twilio-transport.js';

export interface ConversationsFeatureDeps {
  config: Readonly<Config>;
  logger: Logger;
  translations?: MessageTranslations;
  /** Tests may pass a transport; otherwise it is chosen from configuration. */
  transport?: MessageTransport;
}

/** Issues browser access tokens; only the Twilio transport has them. */
export type AccessTokenIssuer = (identity: string) => Promise<AccessTokenGrant>;

function chooseTransport(config: Readonly<Config>, logger: Logger): { transport: MessageTransport; issueToken?: AccessTokenIssuer } {
  const twilio = config.twilio;
  if (!twilio) return { transport: createBuiltinTransport() };
  const client = createTwilioRestClient(twilio);
  const serviceSid = serviceSidResolver(client, twilio.conversationsServiceSid);
  return {
    transport: createTwilioTransport({ client, serviceSid, logger }),
    issueToken: async (identity) => createAccessToken(twilio, await serviceSid(), identity),
  };
}

/** Everything the conversations feature needs at runtime, built once. */
export function createConversationsFeature(deps: ConversationsFeatureDeps) {
  const chosen = deps.transport ? { transport: deps.transport } : chooseTransport(deps.config, deps.logger);
  const { transport } = chosen;
  const issueToken = 'issueToken' in chosen ? chosen.issueToken : undefined;
  const events = new ConversationEvents();
  const conversations = createConversationService({ transport, events, logger: deps.logger });
  const messaging = createMessagingService({ conversations, transport, events, translations: deps.translations, logger: deps.logger });
  const transcripts = createTranscriptService({ conversations, transport, translations: deps.translations, logger: deps.logger });
  return {
    transport,
    events,
    conversations,
    messaging,
    transcripts,
    /**
     * A token for the Twilio browser SDK. With a conversation, only for a user who may see it (the
     * same "not found" otherwise). The token reaches only conversations the identity is a participant of.
     */
    async accessToken(user: Actor, conversationId?: string): Promise<AccessTokenResponse | undefined> {
      const view = conversationId ? await conversations.getForUser(user, conversationId) : undefined;
      if (!issueToken) return undefined;
      const withTransport = view ? await conversations.ensureTransport(view) : undefined;
      return { ...(await issueToken(user.id)), conversationSid: withTransport?.transportId };
    },
    /** The line the startup log prints: which transport carries messages. */
    describe: () => (transport.kind === 'twilio' ? 'Twilio Conversations' : 'built-in realtime transport (Socket.IO + MongoDB)'),
  };
}

export type ConversationsFeature = ReturnType<typeof createConversationsFeature>;
