import { z } from 'zod';

// Twilio Conversations' post-event webhooks, form-encoded. Only what Parley reads is checked;
// Twilio adds fields over time, so the rest passes through unread.
const conversationSid = z.string().regex(/^CH[0-9a-fA-F]{32}$/);

const messageAdded = z.object({
  EventType: z.literal('onMessageAdded'),
  ConversationSid: conversationSid,
  MessageSid: z.string().regex(/^IM[0-9a-fA-F]{32}$/),
  Author: z.string().max(256).default(''),
  Body: z.string().max(100_000).default(''),
  Attributes: z.string().max(32_000).optional(),
});

const conversationState = z.object({
  EventType: z.enum(['onConversationUpdated', 'onConversationStateUpdated']),
  ConversationSid: conversationSid,
  State: z.string().optional(),
  StateTo: z.string().optional(),
});

const participantAdded = z.object({
  EventType: z.literal('onParticipantAdded'),
  ConversationSid: conversationSid,
  Identity: z.string().max(256).default(''),
});

export const conversationsWebhookSchema = z.discriminatedUnion('EventType', [messageAdded, conversationState, participantAdded]);
export type ConversationsWebhookEvent = z.infer<typeof conversationsWebhookSchema>;
export type MessageAddedEvent = z.infer<typeof messageAdded>;
