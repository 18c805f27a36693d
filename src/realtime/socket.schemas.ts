import { z } from 'zod';
import { DASHBOARD_ROWS_PER_REQUEST, HISTORY_PAGE_SIZE } from '../contract/chat.js';

// Payloads arrive from any client: every event is parsed here before it reaches a service.
// Bodies are checked for length by the messaging service (both transports alike), not here.
const conversationId = z.string().regex(/^[a-f0-9]{24}$/i);

export const conversationRefSchema = z.object({ conversationId }).strict();

/** An id as the read-mark coalescer keys and compares it: lower-case hex. */
const lowerCaseId = z.string().regex(/^[a-f0-9]{24}$/i).transform((id) => id.toLowerCase());

/** The newest message the reader has read; omitted: everything. */
export const readMarkSchema = z.object({ conversationId: lowerCaseId, messageId: lowerCaseId.optional() }).strict();

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

/** A live dashboard's rows by id (the ones it lacks, or holds from before a reconnect). */
export const dashboardRowsSchema = z.object({ ids: z.array(conversationId).min(1).max(DASHBOARD_ROWS_PER_REQUEST) }).strict();
