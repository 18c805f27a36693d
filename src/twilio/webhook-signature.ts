import type { RequestHandler } from 'express';
import twilio from 'twilio';
import { ForbiddenError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/**
 * Lets through only requests Twilio signed: `X-Twilio-Signature` checked by the twilio library
 * against the auth token, the exact public URL Twilio called (PUBLIC_URL + the path and query)
 * and every form parameter. Anything else is a 403 and reaches no handler.
 */
export function requireTwilioSignature(options: { authToken: string; publicUrl: string; logger: Logger }): RequestHandler {
  return (req, _res, next) => {
    const signature = req.get('x-twilio-signature') ?? '';
    const url = `${options.publicUrl}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, unknown>;
    if (signature && options.authToken && twilio.validateRequest(options.authToken, signature, url, params)) return next();
    options.logger.warn({ path: req.path, signed: Boolean(signature) }, 'twilio webhook refused: signature invalid');
    next(new ForbiddenError('Invalid Twilio signature.'));
  };
}
