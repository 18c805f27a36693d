import { Router, type Request, type Response } from 'express';
import { requireRole } from '../auth/index.js';
import type { User } from '../contract/chat.js';
import type { ConversationsFeature } from '../conversations/index.js';
import { AppError, ValidationError } from '../lib/errors.js';
import { pageText } from '../i18n/index.js';
import { parseSavedReply, savedReplyQuerySchema } from './saved-reply.schemas.js';
import { fillPlaceholders, PLACEHOLDERS, type SavedReplyService, type SavedReplyView } from './saved-reply.service.js';

const actor = (req: Request): User => req.user as User;
const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

interface FormState {
  values?: { name?: string; body?: string; shared?: boolean };
  errors?: Record<string, string>;
}

/**
 * Saved replies: pages that work without scripts (list, add, edit, remove: Post/Redirect/Get)
 * and the JSON the composer's `/` menu reads, with placeholders filled for a conversation.
 */
export function savedReplyRoutes(service: SavedReplyService, conversations: ConversationsFeature['conversations']): Router {
  const router = Router();

  async function renderList(req: Request, res: Response, form: FormState = {}) {
    res.render('saved-replies/index', { title: pageText(res)('savedReplies.title'), replies: await service.list(actor(req)), placeholders: PLACEHOLDERS, form });
  }

  /** A refused form is shown again with what was typed and a message per field. */
  async function orFormAgain(req: Request, res: Response, work: () => Promise<SavedReplyView>, again: (form: FormState) => Promise<void>) {
    try {
      const reply = await work();
      if (wantsJson(req)) return res.status(201).json({ reply });
      res.redirect(303, '/saved-replies');
    } catch (error) {
      if (!(error instanceof AppError) || wantsJson(req) || (error.status !== 400 && error.status !== 409)) throw error;
      res.status(error.status);
      const body = req.body as Record<string, unknown>;
      const text = (key: string) => (typeof body?.[key] === 'string' ? (body[key] as string) : '');
      await again({ values: { name: text('name'), body: text('body'), shared: Boolean(body?.shared) }, errors: error.fields ?? {} });
    }
  }

  router.get('/saved-replies', requireRole('rep'), (req, res) => renderList(req, res));

  router.post('/saved-replies', requireRole('rep'), (req, res) =>
    orFormAgain(req, res, () => service.create(actor(req), parseSavedReply(req.body)), (form) => renderList(req, res, form)),
  );

  router.get('/saved-replies/:id/edit', requireRole('rep'), async (req, res) => {
    const reply = await service.get(actor(req), String(req.params.id));
    res.render('saved-replies/edit', { title: `${pageText(res)('savedReplies.edit')} /${reply.name}`, reply, placeholders: PLACEHOLDERS, form: { values: reply } });
  });

  router.post('/saved-replies/:id', requireRole('rep'), async (req, res) => {
    const reply = await service.get(actor(req), String(req.params.id));
    await orFormAgain(req, res, () => service.update(actor(req), reply.id, parseSavedReply(req.body)), async (form) =>
      res.render('saved-replies/edit', { title: `${pageText(res)('savedReplies.edit')} /${reply.name}`, reply, placeholders: PLACEHOLDERS, form }),
    );
  });

  router.post('/saved-replies/:id/delete', requireRole('rep'), async (req, res) => {
    await service.remove(actor(req), String(req.params.id));
    if (wantsJson(req)) return res.status(204).end();
    res.redirect(303, '/saved-replies');
  });

  // The composer's list: `q` filters by name; with a conversation, `text` has the placeholders filled.
  router.get('/api/saved-replies', requireRole('rep'), async (req, res) => {
    const query = savedReplyQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationError('q is at most 40 characters; conversationId a conversation id.');
    const rep = actor(req);
    const conversation = query.data.conversationId ? await conversations.getForUser(rep, query.data.conversationId) : undefined;
    const values = { customerName: conversation?.customer.username ?? '{{customer.name}}', repName: rep.username };
    const replies = (await service.list(rep, query.data.q)).map((reply) => ({ ...reply, text: fillPlaceholders(reply.body, values) }));
    res.set('Cache-Control', 'no-store').json({ replies });
  });

  return router;
}
