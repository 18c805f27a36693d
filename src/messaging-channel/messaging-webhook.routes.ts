import express, { Router } from 'express';
import twilio from 'twilio';
import { ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { requireTwilioSignature } from '../twilio/index.js';
import type { Inbox } from './inbound-inbox.js';
import { inboundWebhookPath, statusCallbackPath } from './message-sender.js';
import { inboundMessageSchema, statusCallbackSchema } from './messaging-webhook.schemas.js';
import { recordStatus } from './outbound.service.js';

/**
 * `POST /webhooks/twilio/messaging` (a text or WhatsApp message arrived) and `…/status` (what
 * became of one Parley sent). Mounted before sessions; Twilio's signature is their authentication.
 * The inbound answer is empty TwiML as soon as the text is recorded (inbound-inbox.ts); the rest
 * of the work follows, and Parley answers through the Messages API.
 */
export function messagingWebhookRoutes(deps: { inbox: Inbox; authToken: string; publicUrl: string; logger: Logger }): Router {
  const router = Router();
  const signed = [express.urlencoded({ extended: false, limit: '64kb' }), requireTwilioSignature(deps)];

  router.post(inboundWebhookPath, ...signed, async (req, res) => {
    const parsed = inboundMessageSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('That messaging webhook is not valid.');
    const accepted = await deps.inbox.accept(parsed.data);
    res.set('x-parley-outcome', accepted ? 'accepted' : 'duplicate').type('text/xml').send(new twilio.twiml.MessagingResponse().toString());
  });

  router.post(statusCallbackPath, ...signed, async (req, res) => {
    const parsed = statusCallbackSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('That status callback is not valid.');
    const recorded = await recordStatus(parsed.data);
    res.set('x-parley-outcome', recorded ? 'recorded' : 'ignored').status(200).end();
  });
  return router;
}
