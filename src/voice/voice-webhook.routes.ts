import express, { Router, type Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { requireTwilioSignature } from '../twilio/index.js';
import { voicePaths } from './voice-twiml.js';
import { callStatusSchema, gatherResultSchema, incomingCallSchema, menuQuerySchema, recordingSchema, turnQuerySchema } from './voice-webhook.schemas.js';
import type { VoiceService } from './voice.service.js';

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError('That voice webhook is not valid.');
  return parsed.data;
}

/**
 * Twilio's voice webhooks: the incoming call, the menu's and each listening's answers, the
 * waiting loop, a voice message, and the status callback. Mounted before sessions; Twilio's
 * signature (over PUBLIC_URL, the query Parley gave it and every form field) is their authentication.
 */
export function voiceWebhookRoutes(deps: { service: VoiceService; authToken: string; publicUrl: string; logger: Logger }): Router {
  const router = Router();
  const signed = [express.urlencoded({ extended: false, limit: '64kb' }), requireTwilioSignature(deps)];
  const { service } = deps;
  const twiml = (handler: (req: Request) => Promise<string>) => async (req: Request, res: express.Response) => {
    res.type('text/xml').send(await handler(req));
  };

  router.post(voicePaths.incoming, ...signed, twiml((req) => service.incoming(parse(incomingCallSchema, req.body))));
  router.post(voicePaths.language, ...signed, twiml((req) => service.chooseLanguage(parse(gatherResultSchema, req.body), parse(menuQuerySchema, req.query).attempt)));
  router.post(voicePaths.speech, ...signed, twiml((req) => service.speech(parse(gatherResultSchema, req.body), parse(turnQuerySchema, req.query))));
  router.post(voicePaths.wait, ...signed, twiml((req) => service.wait(parse(gatherResultSchema, req.body), parse(turnQuerySchema, req.query))));
  router.post(voicePaths.recording, ...signed, twiml((req) => service.recording(parse(recordingSchema, req.body))));
  router.post(voicePaths.status, ...signed, async (req, res) => {
    const ended = await service.status(parse(callStatusSchema, req.body));
    res.set('x-parley-outcome', ended ? 'ended' : 'ignored').status(200).end();
  });
  return router;
}
