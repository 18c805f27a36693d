import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../lib/errors.js';

export const PASSWORD_RULE = '10+ characters, at most 72 bytes';
export const USERNAME_RULE = '3–32 letters, digits, _ . or -';

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'Use at least 3 characters.')
  .max(32, 'Use at most 32 characters.')
  .regex(/^[A-Za-z0-9_.-]+$/, 'Use only letters, digits, _ . and -.');

// bcrypt ignores everything after 72 bytes, so a longer password would be silently truncated.
export const passwordSchema = z
  .string()
  .refine((value) => [...value].length >= 10, 'Use at least 10 characters.')
  .refine(
    (value) => Buffer.byteLength(value, 'utf8') <= 72,
    'Use at most 72 bytes (about 72 plain letters, fewer with accents or emoji).',
  );

/** A form field as posted: a string or absent. Objects and arrays fail here and become a 400. */
const formField = z.string().max(4096).default('');

export const registerFormSchema = z.object({
  username: formField,
  password: formField,
  confirmPassword: formField,
  language: formField,
});

export const loginFormSchema = z.object({
  username: formField,
  password: formField,
  next: formField,
});

export type RegisterForm = z.infer<typeof registerFormSchema>;
export type LoginForm = z.infer<typeof loginFormSchema>;

/** Parses a request body's shape; a wrong shape (non-string values) is a plain 400. */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new ValidationError('The form was not sent in the expected shape.', fieldErrors(parsed.error));
  }
  return parsed.data;
}

/** Applies a rule schema, turning its issues into one message per field. */
export function parseRules<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Some fields need your attention.', fieldErrors(parsed.error));
  return parsed.data;
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    fields[key] ??= issue.message;
  }
  return fields;
}
