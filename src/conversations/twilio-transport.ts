import type { Logger } from '../lib/logger.js';
import type { ChatMessage, Role } from '../realtime/protocol.js';
import type { MessageTransport, NewMessage, TransportConversation } from './conversation.types.js';
import { isTwilioError, twilioStatus, type TwilioRestClient } from './twilio-client.js';

/** Twilio error codes the adapter treats as "already done". */
export const twilioErrors = {
  uniqueNameExists: 50353,
  alreadyParticipant: 50433,
  notFound: 20404,
} as const;

interface TwilioMessageLike {
  sid: string;
  author: string | null;
  body: string | null;
  attributes: string | null;
  dateCreated: Date | null;
}

/** What our pages put in a Twilio message's attributes (the browser SDK adapter sets the same). */
interface MessageAttributes {
  clientId?: string;
  authorName?: string;
  authorRole?: Role;
  language?: string;
}

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
    sendMessage: async (target, message) => {
      const created = await (await conversation(target.transportId)).messages.create({
        author: message.author.id,
        body: message.body,
        attributes: JSON.stringify(attributesOf(message)),
        xTwilioWebhookEnabled: 'true',
      });
      return { message: toChatMessage(target, created), created: true };
    },
    listMessages: async (target, page) => {
      const messages = (await conversation(target.transportId)).messages;
      const newestFirst = await streamNewestFirst(messages, page);
      return {
        messages: newestFirst.slice(0, page.limit).reverse().map((message) => toChatMessage(target, message)),
        hasMore: newestFirst.length > page.limit,
      };
    },
    allMessages: async (target) => {
      const all = await (await conversation(target.transportId)).messages.list({ order: 'asc', pageSize: 50 });
      return all.map((message) => toChatMessage(target, message));
    },
  };
}

/** The part of twilio's message list this adapter streams from. */
interface MessageStream {
  each(options: {
    order: 'desc';
    pageSize: number;
    callback: (message: TwilioMessageLike, stop: () => void) => void;
    done: (error?: Error) => void;
  }): void;
}

/**
 * Newest first, from just below `before`, at most `limit + 1` messages (the extra one tells
 * whether there are more). Twilio pages only by token, so older pages are reached by streaming.
 */
function streamNewestFirst(messages: MessageStream, page: { before?: string; limit: number }): Promise<TwilioMessageLike[]> {
  const collected: TwilioMessageLike[] = [];
  let passedMarker = !page.before;
  return new Promise((resolve, reject) => {
    messages.each({
      order: 'desc',
      pageSize: 50,
      callback: (message, stop) => {
        if (passedMarker) {
          collected.push(message);
          if (collected.length > page.limit) stop();
        } else if (message.sid === page.before) passedMarker = true;
      },
      done: (error?: Error) => (error ? reject(error) : resolve(collected)),
    });
  });
}

function attributesOf(message: NewMessage): MessageAttributes {
  return {
    clientId: message.clientId,
    authorName: message.author.username,
    authorRole: message.author.role,
    language: message.language,
  };
}

function parseAttributes(raw: string | null): MessageAttributes {
  try {
    const parsed: unknown = JSON.parse(raw ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as MessageAttributes) : {};
  } catch {
    return {};
  }
}

function toChatMessage(target: TransportConversation, message: TwilioMessageLike): ChatMessage {
  const attributes = parseAttributes(message.attributes);
  return {
    id: message.sid,
    conversationId: target.id,
    clientId: attributes.clientId ?? message.sid,
    authorId: message.author ?? '',
    authorName: attributes.authorName ?? message.author ?? '',
    authorRole: attributes.authorRole === 'rep' ? 'rep' : 'customer',
    body: message.body ?? '',
    language: attributes.language ?? '',
    createdAt: (message.dateCreated ?? new Date()).toISOString(),
  };
}
