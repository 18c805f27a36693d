import { Router } from 'express';
import { OBJECT_ID_PATTERN } from '../contract/chat.js';
import type { WidgetService } from './widget.service.js';

/**
 * For reps opening a conversation that started in the widget: the site and the page the visitor
 * was on, for the chat page (views/widget/_conversation-source.ejs). Runs before the chat page's route.
 */
export function widgetPageRoutes(service: WidgetService): Router {
  const router = Router();
  router.get('/conversations/:id', async (req, res, next) => {
    const id = req.params.id;
    if (req.user?.role === 'rep' && OBJECT_ID_PATTERN.test(id)) res.locals.widgetSource = await service.sourceOf(id.toLowerCase());
    next();
  });
  return router;
}
