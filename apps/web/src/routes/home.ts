import { Router } from 'express';
import type { WebContext } from '../context';
import { STYLESHEET } from '../views/styles';

/** `/` (open to everyone) and the stylesheet. */
export function homeRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/', (req, res) => ctx.views.send(req, res, 200, 'home', 'Home'));
  router.get('/static/app.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(STYLESHEET);
  });
  return router;
}
