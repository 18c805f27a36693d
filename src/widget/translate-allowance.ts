import type { RequestHandler } from 'express';
import { TooManyRequestsError, ValidationError } from '../lib/errors.js';
import { tryConsume, type LimiterFactory } from '../lib/rate-limit-store.js';
import { baseLanguage } from '../contract/languages.js';
import type { VisitorContext } from './widget.service.js';

/** Characters a client address may ask the widget to translate per window (a long history is a few thousand). */
export const WIDGET_TRANSLATE_CHARACTERS = { points: 50_000, windowMs: 10 * 60_000 };

const textsOf = (body: unknown): string[] => {
  const { text, texts } = (body ?? {}) as { text?: unknown; texts?: unknown };
  const all = Array.isArray(texts) ? texts : [text];
  return all.filter((item): item is string => typeof item === 'string');
};

/**
 * Visitors have no account, so anyone can become one: the widget's /translate serves only the
 * visitor's own language, and counts characters per client address as well as per visitor (the
 * translation feature's own budget), so new visitors cannot be minted to translate for free.
 */
export function translateAllowance(limiters: LimiterFactory): RequestHandler {
  const perAddress = limiters('widget-translate-characters', WIDGET_TRANSLATE_CHARACTERS);
  return async (req, res, next) => {
    const { visitor } = res.locals.widgetVisitor as VisitorContext;
    const target = (req.body as { target_lang?: unknown } | undefined)?.target_lang;
    if (typeof target !== 'string' || baseLanguage(target) !== baseLanguage(visitor.language)) {
      throw new ValidationError('The chat translates into your own language only.', { target_lang: 'Not your language.' });
    }
    const characters = textsOf(req.body).reduce((sum, text) => sum + text.length, 0);
    const consumed = characters === 0 ? { allowed: true, msBeforeNext: 0 } : await tryConsume(perAddress, req.ip ?? 'unknown', characters);
    if (!consumed.allowed) throw new TooManyRequestsError('Too much to translate from this address. Wait a few minutes.', Math.ceil(consumed.msBeforeNext / 1000));
    next();
  };
}
