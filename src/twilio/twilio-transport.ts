import type { ChatMessage, MessageAttributes } from '../contract/chat.js';
import type { Logger } from '../lib/logger.js';
import type { MessageTransport } from '../conversations/index.js';
import { isTwilioError, twilioStatus, type TwilioRestClient } from './twilio-client.js';

/** Twilio error codes the adapter treats as "already done". */
export const twilioErrors = {
  uniqueNameExists: 50353,
  alreadyParticipant: 50433,
  notFound: 20404,
} as const;

/** What Parley's readers need beside the body: set on every message the server hands to Twilio. */
export function attributesOf(message: ChatMessage): MessageAttributes {
  const kind = message.kind === 'system' ? { kind: 'system' as const } : {};
  return { clientId: message.clientId, authorName: message.authorName, authorRole: message.authorRole, language: message.language, ...kind };
}

/**
 * Twilio Conversations as the transport: conversations and participants live there too, and
 * stored messages are handed to it for the browsers' SDK. Its uniqueName is our conversation id.
 */
export function createTwilioTransport(deps: {
  client: TwilioRestClient;
  serviceSid: () => Promise<string>;
  logger: Logger;
}): MessageTransport {
  const service = async () => deps.client.conversations.v1.services(await deps.serviceSid());
  const conversation = async (transportId: string) => (await service()).conversations(transportId);

  return {
    kind: 'twilio',
    async createConversation(conversationId) {
      const conversations = (await service()).conversations;
      try {
        const created = await conversations.create({ uniqueName: conversationId, friendlyName: `Parley ${conversationId}` });
        return created.sid;
      } catch (error) {
        // A retry after a lost answer: the first attempt created it, so fetch it by unique name.
        if (!isTwilioError(error, twilioErrors.uniqueNameExists)) throw error;
        deps.logger.info({ conversationId }, 'twilio conversation already exists; reusing it');
        return (await conversations(conversationId).fetch()).sid;
      }
    },
    async addParticipant(transportId, userId) {
      try {
        await (await conversation(transportId)).participants.create({ identity: userId });
      } catch (error) {
        if (isTwilioError(error, twilioErrors.alreadyParticipant) || twilioStatus(error) === 409) return;
        throw error;
      }
    },
    async closeConversation(transportId) {
      await (await conversation(transportId)).update({ state: 'closed' });
    },
    async deleteConversation(target) {
      try {
        await (await conversation(target.transportId)).remove();
      } catch (error) {
        if (!isTwilioError(error, twilioErrors.notFound) && twilioStatus(error) !== 404) throw error;
      }
    },
    async deliver(target, message) {
      // Webhooks stay on: other integrations see it; Parley's own echo is recognised by its clientId.
      const created = await (await conversation(target.transportId)).messages.create({
        author: message.authorId,
        body: message.body,
        attributes: JSON.stringify(attributesOf(message)),
        xTwilioWebhookEnabled: 'true',
      });
      return { transportSid: created.sid };
    },
  };
}
