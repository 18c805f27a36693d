// The door to the conversations feature: other features import from here only.
export { createConversationsFeature, type ConversationsFeature, type ConversationsFeatureDeps } from './conversations.feature.js';
export { conversationRoutes } from './conversation.routes.js';
export { supportRoutes } from './support.routes.js';
export { createBuiltinTransport } from './builtin-transport.js';
export { createTwilioTransport, twilioErrors } from './twilio-transport.js';
export { createTwilioRestClient, serviceSidResolver } from './twilio-client.js';
export { parleyRoles, setUpTwilioRoles, type SetupReport } from './twilio-setup.js';
export { parseConversationId } from './conversation.schemas.js';
export { createAccessToken, type AccessTokenGrant } from './access-token.js';
export { ConversationEvents } from './conversation.events.js';
export { toSummary, type ConversationView } from './conversation.view.js';
export { ConversationClosedError, validateBody, type MessageTranslations } from './messaging.service.js';
export { transcriptAsText, type Transcript } from './transcript.service.js';
export type { Actor, MessageTransport } from './conversation.types.js';
export { Conversation } from './conversation.model.js';
export { Message } from './message.model.js';
