import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError } from '../lib/errors.js';
import { HISTORY_PAGE_SIZE, MAX_MESSAGE_LENGTH } from '../realtime/protocol.js';

/** Conversation ids are MongoDB ObjectIds; anything else is simply "not found". */
export const conversationIdSchema = z.string().regex(/^[a-f0-9]{24}$/i);

/** A browser-generated id for deduplicating resends: UUIDs or similar. */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not a valid client id.');

export function parseConversationId(value: unknown): string {
  const parsed = conversationIdSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError('We could not find that conversation.');
  return parsed.data.toLowerCase();
}

/** The no-JS send form. Length is checked again by the service, for both transports alike. */
export const sendFormSchema = z.object({
  body: z.string().max(MAX_MESSAGE_LENGTH * 4),
  clientId: clientIdSchema,
});

export const historyQuerySchema = z.object({
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_SIZE).optional(),
});

export const transcriptQuerySchema = z.object({
  format: z.enum(['text', 'json']).default('text'),
});

/** Without a conversation (the rep dashboard) the token is the user's own; with one, they must see it. */
export const tokenRequestSchema = z.object({ conversationId: z.string().optional() });

export const newClientId = (): string => randomUUID();
