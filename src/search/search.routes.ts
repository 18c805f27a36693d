import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/index.js';
import type { User } from '../contract/chat.js';
import { ValidationError } from '../lib/errors.js';
import { pageText } from '../i18n/index.js';
import type { SearchService } from './search.service.js';

const actor = (req: Request): User => req.user as User;
const querySchema = z.object({ q: z.string().max(200, 'Search for at most 200 characters.').default('') });

/** GET /search (a page with a form: works without scripts) and GET /api/search (JSON). Reps only. */
export function searchRoutes(service: SearchService): Router {
  const router = Router();

  router.get('/search', requireRole('rep'), async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return res.render('search/index', { title: pageText(res)('workspace.search'), query: '', results: undefined, error: parsed.error.issues[0]?.message });
    }
    const query = parsed.data.q;
    const results = query.trim() === '' ? undefined : await service.search(actor(req), query);
    res.render('search/index', { title: query ? `${pageText(res)('workspace.search')}: ${query}` : pageText(res)('workspace.search'), query, results, error: undefined });
  });

  router.get('/api/search', requireRole('rep'), async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) throw new ValidationError('q is at most 200 characters.', { q: 'Search for at most 200 characters.' });
    res.set('Cache-Control', 'no-store').json(await service.search(actor(req), parsed.data.q));
  });

  return router;
}
