import { CLIENT_ID_PATTERN, parseMessageAttributes, type Role } from '../contract/chat.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationsFeature, ConversationView } from '../conversations/index.js';
import type { ConversationsWebhookEvent, MessageAddedEvent } from './conversations-webhook.schemas.js';

export type WebhookOutcome = 'stored' | 'duplicate' | 'closed' | 'ignored';

/** The author as Parley knows them: a participant of the conversation, by their Twilio identity. */
function participantOf(view: ConversationView, identity: string): { id: string; username: string; role: Role; language: string } | undefined {
  if (identity === view.customer.id) return { ...view.customer, role: 'customer' };
  const rep = view.reps.find((candidate) => candidate.id === identity);
  return rep ? { ...rep, role: 'rep' } : undefined;
}

/**
 * Twilio's side of a conversation, brought into Parley: a message any client created in Twilio
 * enters the one message pipeline; a conversation Twilio closed is closed here too. Retries and
 * the echo of messages Parley created itself are recognised by their clientId (or MessageSid).
 */
export function createConversationsWebhookService(deps: { conversations: ConversationsFeature; logger: Logger }) {
  const { conversations, logger } = deps;

  async function messageAdded(view: ConversationView, event: MessageAddedEvent): Promise<WebhookOutcome> {
    const author = participantOf(view, event.Author);
    if (!author) {
      logger.info({ conversationId: view.id, messageSid: event.MessageSid }, 'twilio message from someone who is not a participant here; ignored');
      return 'ignored';
    }
    const claimed = parseMessageAttributes(event.Attributes).clientId;
    const clientId = claimed && CLIENT_ID_PATTERN.test(claimed) ? claimed : event.MessageSid;
    try {
      const result = await conversations.pipeline.accept({ conversation: view, author, clientId, body: event.Body, transportSid: event.MessageSid });
      return result.created ? 'stored' : 'duplicate';
    } catch (error) {
      // A body Parley cannot take (empty, too long) stays out; answering 200 stops Twilio's retries.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      logger.info({ conversationId: view.id, messageSid: event.MessageSid, reason: error.code }, 'twilio message not accepted');
      return 'ignored';
    }
  }

  return {
    async handle(event: ConversationsWebhookEvent): Promise<WebhookOutcome> {
      const view = await conversations.conversations.fromTransport.find(event.ConversationSid);
      if (!view) {
        logger.info({ conversationSid: event.ConversationSid, event: event.EventType }, 'twilio webhook for a conversation Parley does not know; ignored');
        return 'ignored';
      }
      switch (event.EventType) {
        case 'onMessageAdded':
          return messageAdded(view, event);
        case 'onConversationUpdated':
        case 'onConversationStateUpdated': {
          const state = event.StateTo ?? event.State;
          if (state !== 'closed' || view.status === 'closed') return 'ignored';
          await conversations.conversations.fromTransport.closed(view);
          return 'closed';
        }
        case 'onParticipantAdded':
          // Parley adds participants itself (start, join) and records them then; nothing to do.
          return 'ignored';
      }
    },
  };
}

export type ConversationsWebhookService = ReturnType<typeof createConversationsWebhookService>;
