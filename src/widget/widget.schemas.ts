import { z } from 'zod';
import { isBuiltInTargetLanguage } from '../contract/languages.js';

export const languageSchema = z.string().trim().toUpperCase().refine(isBuiltInTargetLanguage, 'Not a supported language.');

export const frameQuerySchema = z.object({ site: z.string().max(64), lang: languageSchema.optional().catch(undefined) });

export const sessionSchema = z.object({
  token: z.string().max(100).optional(),
  language: languageSchema,
  identity: z.object({ id: z.string().trim().min(1).max(200), hash: z.string().max(128).optional() }).optional(),
});

export const startSchema = z.object({
  name: z.string().trim().max(60).optional().transform((name) => name || undefined),
  email: z.union([z.literal(''), z.email().max(200)]).optional().transform((email) => email || undefined),
  language: languageSchema,
  pageUrl: z.string().max(4_000).optional(),
});

export const languageChangeSchema = z.object({ language: languageSchema });
