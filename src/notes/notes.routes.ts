import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/index.js';
import { MAX_MESSAGE_LENGTH, type User } from '../contract/chat.js';
import { parseConversationId, type ConversationsFeature } from '../conversations/index.js';
import { AppError, ValidationError } from '../lib/errors.js';
import { pageText } from '../i18n/index.js';

const actor = (req: Request): User => req.user as User;

const noteSchema = z.object({
  body: z.string().max(MAX_MESSAGE_LENGTH * 4).refine((body) => body.trim() !== ''),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});

const emptyNote = 'Write the note first.';

/**
 * Private notes between reps: the no-JS form (Post/Redirect/Get) and the JSON API. Both go
 * through the conversations feature's one pipeline; customers are refused by requireRole.
 */
export function notesRoutes(feature: ConversationsFeature, options: { sendLimit?: RequestHandler } = {}): Router {
  const router = Router();
  const sendLimit: RequestHandler = options.sendLimit ?? ((_req, _res, next) => next());

  router.post('/conversations/:id/notes', requireRole('rep'), sendLimit, async (req, res) => {
    const id = parseConversationId(req.params.id);
    const parsed = noteSchema.safeParse(req.body);
    const body = typeof req.body?.body === 'string' ? req.body.body : '';
    try {
      if (!parsed.success) throw new ValidationError(emptyNote, { body: emptyNote });
      await feature.messaging.addNote(actor(req), { conversationId: id, ...parsed.data });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      res.status(error.status);
      return res.render('notes/form', {
        title: pageText(res)('notes.title'), conversationId: id, clientId: randomUUID(), form: { body, error: error.fields?.body ?? error.message },
      });
    }
    res.redirect(303, `/conversations/${id}#note-form`);
  });

  router.post('/api/conversations/:id/notes', requireRole('rep'), sendLimit, async (req, res) => {
    const parsed = noteSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Send { clientId, body }.', { body: emptyNote });
    const { message, created } = await feature.messaging.addNote(actor(req), { conversationId: parseConversationId(req.params.id), ...parsed.data });
    res.status(created ? 201 : 200).json({ message });
  });

  return router;
}
