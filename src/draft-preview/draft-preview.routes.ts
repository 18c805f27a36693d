import { Router, type Request } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { z } from 'zod';
import { requireRole } from '../auth/index.js';
import { MAX_MESSAGE_LENGTH, type User } from '../contract/chat.js';
import { parseConversationId } from '../conversations/index.js';
import { TooManyRequestsError, ValidationError } from '../lib/errors.js';
import type { DraftPreviewService } from './draft-preview.service.js';

const previewSchema = z.object({
  text: z.string().trim().min(1, 'Write something to preview.').max(MAX_MESSAGE_LENGTH, `At most ${MAX_MESSAGE_LENGTH} characters.`),
  back: z.boolean().optional(),
});

/** A page asks after each pause in typing (~600 ms): a minute of steady writing stays well below this. */
export const previewsPerMinute = 90;

export interface DraftPreviewRoutesOptions {
  /** Shared between instances (rate-limit-redis) when set; this process's memory otherwise. */
  rateLimitStore?: Store;
  perMinute?: number;
}

function previewRateLimit(options: DraftPreviewRoutesOptions) {
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute ?? previewsPerMinute,
    keyGenerator: (req: Request) => req.user?.id ?? 'anonymous',
    store: options.rateLimitStore,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + 60_000;
      const seconds = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      next(new TooManyRequestsError('Too many previews in a short time. Please wait a moment.', seconds));
    },
  });
}

/** `POST /api/conversations/:id/preview` {text, back?}: reps only (customers get 403). */
export function draftPreviewRoutes(service: DraftPreviewService, options: DraftPreviewRoutesOptions = {}): Router {
  const router = Router();
  router.post('/api/conversations/:id/preview', requireRole('rep'), previewRateLimit(options), async (req, res) => {
    const id = parseConversationId(req.params.id);
    const parsed = previewSchema.safeParse(req.body);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'The preview request is not valid.';
      throw new ValidationError(message, { text: message });
    }
    const preview = await service.preview(req.user as User, id, parsed.data.text, parsed.data.back === true);
    res.set('Cache-Control', 'no-store');
    res.json({ preview });
  });
  return router;
}
