import { Router, type Request } from 'express';
import { requireRole } from '../auth/index.js';
import type { Actor } from './conversation.types.js';
import type { ConversationsFeature } from './conversations.feature.js';
import { parseConversationId } from './conversation.schemas.js';
import { chatUserOf } from './conversation.view.js';

const actor = (req: Request): Actor => req.user as Actor;

/** The rep dashboard and joining a conversation. */
export function supportRoutes(feature: ConversationsFeature): Router {
  const router = Router();

  router.get('/support', requireRole('rep'), async (req, res) => {
    const conversations = await feature.conversations.dashboard(actor(req));
    res.render('support/index', {
      title: 'Support dashboard',
      conversations,
      openCount: conversations.filter((conversation) => conversation.status === 'open').length,
      transport: feature.transport.kind,
      chatUser: chatUserOf(actor(req)),
      scripts: ['/js/dashboard.js'],
    });
  });

  router.post('/support/:id/join', requireRole('rep'), async (req, res) => {
    const joined = await feature.conversations.join(actor(req), parseConversationId(req.params.id));
    res.redirect(303, `/conversations/${joined.id}`);
  });

  return router;
}
