import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../contract/chat.js';
import { ValidationError } from '../lib/errors.js';

export const NAME_PATTERN = /^[\p{L}\p{N}_-]+$/u;

/** A reply as a rep (form or JSON) or an admin (CLI) writes it. */
export const savedReplyInputSchema = z.object({
  name: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Give the reply a short name.')
    .max(40, 'Names are at most 40 characters.')
    .regex(NAME_PATTERN, 'Use letters, digits, - and _ only (no spaces).'),
  body: z.string().trim().min(1, 'Write the reply.').max(MAX_MESSAGE_LENGTH, `Replies are at most ${MAX_MESSAGE_LENGTH} characters.`),
  // A form's checkbox sends "on" or nothing; JSON sends a boolean.
  shared: z.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('false')]).optional().transform((value) => value === true || value === 'on' || value === 'true'),
});

export type SavedReplyInput = z.output<typeof savedReplyInputSchema>;

export const savedReplyQuerySchema = z.object({
  q: z.string().trim().toLowerCase().max(40).optional(),
  conversationId: z.string().regex(/^[a-f0-9]{24}$/i).optional(),
});

/** Parses a reply, or throws a ValidationError with a message per field. */
export function parseSavedReply(raw: unknown): SavedReplyInput {
  const parsed = savedReplyInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= issue.message;
  }
  throw new ValidationError(Object.values(fields)[0] ?? 'Please correct the reply.', fields);
}
