import { z } from 'zod';
import { HISTORY_PAGE_SIZE } from '../contract/chat.js';

// Payloads arrive from any client: every event is parsed here before it reaches a service.
// Bodies are checked for length by the messaging service (both transports alike), not here.
const conversationId = z.string().regex(/^[a-f0-9]{24}$/i);

export const conversationRefSchema = z.object({ conversationId }).strict();

/** The newest message the reader has read (ids compare as lower-case hex); omitted: everything. */
export const readMarkSchema = z
  .object({ conversationId, messageId: z.string().regex(/^[a-f0-9]{24}$/i).transform((id) => id.toLowerCase()).optional() })
  .strict();

export const sendMessageSchema = z
  .object({
    conversationId,
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    body: z.string().max(10_000),
  })
  .strict();

export const historyRequestSchema = z
  .object({
    conversationId,
    before: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(HISTORY_PAGE_SIZE).optional(),
  })
  .strict();
