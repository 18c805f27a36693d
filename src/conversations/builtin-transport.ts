import type { MessageTransport } from './conversation.types.js';

/**
 * The built-in transport: the database holds the messages and Socket.IO carries the pipeline's
 * events to the pages, so there is nothing to create or hand over.
 */
export function createBuiltinTransport(): MessageTransport {
  return {
    kind: 'builtin',
    createConversation: async (conversationId) => conversationId,
    addParticipant: async () => {},
    closeConversation: async () => {},
    deleteConversation: async () => {},
  };
}
