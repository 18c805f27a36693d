import { Router, type Request } from 'express';
import { requireRole } from '../auth/index.js';
import { pageText } from '../i18n/index.js';
import type { User } from '../contract/chat.js';
import type { ConversationsFeature } from './conversations.feature.js';
import { dashboardQuerySchema, parseConversationId } from './conversation.schemas.js';
import { chatUserOf } from './conversation.view.js';

const actor = (req: Request): User => req.user as User;

/** The rep dashboard and joining a conversation. */
export function supportRoutes(feature: ConversationsFeature): Router {
  const router = Router();

  router.get('/support', requireRole('rep'), async (req, res) => {
    const query = dashboardQuerySchema.safeParse(req.query).data;
    const page = query?.page ?? 0;
    const view = query?.view ?? 'all';
    const { conversations, hasMore, counts } = await feature.conversations.dashboard(actor(req), { page, view });
    res.render('support/index', {
      page,
      view,
      counts,
      team: await feature.assignment.team(),
      title: pageText(res)('support.title'),
      conversations,
      hasMore,
      openCount: conversations.filter((conversation) => conversation.status === 'open').length,
      transport: feature.transport.kind,
      chatUser: chatUserOf(actor(req)),
      scripts: ['/js/dashboard.js'],
      translationCost: await feature.translationCostSummary(),
    });
  });

  router.post('/support/:id/join', requireRole('rep'), async (req, res) => {
    const joined = await feature.conversations.join(actor(req), parseConversationId(req.params.id));
    res.redirect(303, `/conversations/${joined.id}`);
  });

  return router;
}
