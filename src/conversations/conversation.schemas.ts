import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CLIENT_ID_PATTERN, DASHBOARD_PAGE_SIZE, HISTORY_PAGE_SIZE, MAX_MESSAGE_LENGTH, OBJECT_ID_PATTERN, QUEUE_VIEWS } from '../contract/chat.js';
import { NotFoundError } from '../lib/errors.js';

/** Conversation ids are MongoDB ObjectIds; anything else is simply "not found". */
export const conversationIdSchema = z.string().regex(OBJECT_ID_PATTERN);

/** A browser-generated id for deduplicating resends: UUIDs or similar. */
export const clientIdSchema = z.string().regex(CLIENT_ID_PATTERN, 'Not a valid client id.');

export function parseConversationId(value: unknown): string {
  const parsed = conversationIdSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError('We could not find that conversation.');
  return parsed.data.toLowerCase();
}

/** The no-JS send form and the JSON API. Length is checked again by the pipeline, for every channel. */
export const sendFormSchema = z.object({
  body: z.string().max(MAX_MESSAGE_LENGTH * 4),
  clientId: clientIdSchema,
});

export const historyQuerySchema = z.object({
  before: z.string().regex(OBJECT_ID_PATTERN).optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_SIZE).optional(),
});

export const dashboardQuerySchema = z.object({
  page: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(DASHBOARD_PAGE_SIZE).default(DASHBOARD_PAGE_SIZE),
  /** The dashboard queue: the rep's own, nobody's, or every conversation. */
  view: z.enum(QUEUE_VIEWS).default('all'),
});

export const transcriptQuerySchema = z.object({
  format: z.enum(['text', 'json']).default('text'),
});

/** Without a conversation (the rep dashboard) the token is the user's own; with one, they must see it. */
export const tokenRequestSchema = z.object({ conversationId: z.string().optional() });

export const newClientId = (): string => randomUUID();
