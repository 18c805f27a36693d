import express, { Router } from 'express';
import { ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { conversationsWebhookSchema } from './conversations-webhook.schemas.js';
import type { ConversationsWebhookService } from './conversations-webhook.service.js';
import { conversationsWebhookPath, parleyWebhookFilters } from './twilio-setup.js';
import { requireTwilioSignature } from './webhook-signature.js';

/**
 * `POST /webhooks/twilio/conversations`. Mounted before sessions: it carries no browser session,
 * so it needs no login and no CSRF token; Twilio's signature is its authentication.
 */
export function conversationsWebhookRoutes(deps: {
  service: ConversationsWebhookService;
  authToken: string;
  publicUrl: string;
  logger: Logger;
}): Router {
  const router = Router();
  router.post(
    conversationsWebhookPath,
    express.urlencoded({ extended: false, limit: '64kb' }),
    requireTwilioSignature(deps),
    async (req, res) => {
      const parsed = conversationsWebhookSchema.safeParse(req.body);
      if (!parsed.success) {
        const eventType: unknown = (req.body as Record<string, unknown> | undefined)?.EventType;
        // Events Parley did not subscribe to are fine; a known event with bad fields is a 400.
        if (typeof eventType === 'string' && !(parleyWebhookFilters as readonly string[]).includes(eventType)) {
          return res.status(200).end();
        }
        throw new ValidationError('That webhook is not valid.');
      }
      const outcome = await deps.service.handle(parsed.data);
      res.status(200).json({ outcome });
    },
  );
  return router;
}
