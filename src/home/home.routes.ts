import { Router } from 'express';
import { pageText } from '../i18n/index.js';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('home/index', { title: pageText(res)('home.title') });
  });
  return router;
}
