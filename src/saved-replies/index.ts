// The door to saved replies: short named answers a rep writes once in their language and sends
// to any customer (translated like every message, so common ones are translation-memory hits).
import type { ConversationsFeature } from '../conversations/index.js';
import { savedReplyRoutes } from './saved-reply.routes.js';
import { createSavedReplyService } from './saved-reply.service.js';

export { createSavedReplyService, fillPlaceholders, PLACEHOLDERS, type SavedReplyService, type SavedReplyView } from './saved-reply.service.js';
export { parseSavedReply } from './saved-reply.schemas.js';

export function createSavedRepliesFeature(deps: { conversations: ConversationsFeature }) {
  const service = createSavedReplyService();
  return { service, routes: savedReplyRoutes(service, deps.conversations.conversations) };
}
