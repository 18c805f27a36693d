// The door to the conversations feature: other features import from here only.
import { conversationCache } from './conversation-cache.js';
export { announceTouchedConversations as announceConversationChanges, announceEverythingChanged as announceHandEdits } from './conversation-notices.js';
export { createConversationsFeature, type AccessTokenIssuer, type ConversationsFeature, type ConversationsFeatureDeps } from './conversations.feature.js';
export { conversationRoutes } from './conversation.routes.js';
export { conversationApiRoutes } from './conversation-api.routes.js';
export { messageSendAllowance, messageSendLimit, type MessageSendAllowance } from './send-limit.js';
export { supportRoutes } from './support.routes.js';
export { createBuiltinTransport } from './builtin-transport.js';
export { parseConversationId } from './conversation.schemas.js';
export { toSummary, type CallView, type ConversationView } from './conversation.view.js';
export { toDashboardActivity, toDashboardRow } from './dashboard-rows.js';
export { ConversationClosedError, type SendCheck } from './messaging.service.js';
export { newerMark } from './read-marks.js';
export type { ConversationEvents } from './conversation.events.js';
export type { MessageTranslations } from './message-pipeline.js';
export type { MessageTransport } from './conversation.types.js';
export { searchSources, type SearchSources } from './search-sources.js';
export { assignmentRoutes } from './assignment.routes.js';
export { repDirectoryFrom, type RepDirectory, type AssignmentService } from './assignment.service.js';
export type { AssignmentChange } from './conversation.events.js';
/** In a process that is not the server (the admin CLI): keep what it touches for announceConversationChanges(). */
export const recordConversationChanges = (): void => conversationCache.recordTouched();
