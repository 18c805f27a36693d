import { Router, type Request, type RequestHandler } from 'express';
import { requireRole, requireUser } from '../auth/index.js';
import type { User } from '../contract/chat.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { ConversationsFeature } from './conversations.feature.js';
import { dashboardQuerySchema, historyQuerySchema, parseConversationId, sendFormSchema, tokenRequestSchema } from './conversation.schemas.js';
import { toSummary } from './conversation.view.js';

const actor = (req: Request): User => req.user as User;

/**
 * The JSON API pages use where no socket carries it (the Twilio transport): the dashboard list,
 * one conversation, its history, sending, reading, and Twilio browser tokens.
 */
export function conversationApiRoutes(feature: ConversationsFeature, options: { sendLimit?: RequestHandler } = {}): Router {
  const router = Router();
  const { conversations, messaging } = feature;
  const sendLimit: RequestHandler = options.sendLimit ?? ((_req, _res, next) => next());

  router.get('/api/conversations', requireRole('rep'), async (req, res) => {
    const query = dashboardQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationError('page must be a whole number from 0, limit from 1 to 100, view mine, unassigned or all.', { page: 'Must be a whole number from 0.' });
    res.set('Cache-Control', 'no-store').json(await conversations.dashboard(actor(req), query.data));
  });

  router.get('/api/conversations/:id', requireUser(), async (req, res) => {
    const view = await conversations.getForUser(actor(req), parseConversationId(req.params.id));
    res.set('Cache-Control', 'no-store').json({ conversation: toSummary(view, actor(req)) });
  });

  router.get('/api/conversations/:id/messages', requireUser(), async (req, res) => {
    const query = historyQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationError('before must be a message id; limit 1–50.');
    const page = await messaging.history(actor(req), { conversationId: parseConversationId(req.params.id), ...query.data });
    res.set('Cache-Control', 'no-store').json(page);
  });

  router.post('/api/conversations/:id/messages', requireUser(), sendLimit, async (req, res) => {
    const parsed = sendFormSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Send { clientId, body }.', { body: 'Write a message first.' });
    const { message, created } = await messaging.send(actor(req), { conversationId: parseConversationId(req.params.id), ...parsed.data });
    res.status(created ? 201 : 200).json({ message });
  });

  router.post('/api/token', requireUser(), async (req, res) => {
    const parsed = tokenRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('conversationId must be a string.', { conversationId: 'Must be a string.' });
    const { conversationId } = parsed.data;
    const grant = await feature.accessToken(actor(req), conversationId === undefined ? undefined : parseConversationId(conversationId));
    if (!grant) throw new NotFoundError('This server uses the built-in transport: there are no Twilio tokens.');
    res.set('Cache-Control', 'no-store').json(grant);
  });

  return router;
}
