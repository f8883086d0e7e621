import { Router } from 'express';
import type { WebContext } from '../context';

/** `/healthz` (the process is up) and `/readyz` (the session store answers). */
export function healthRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await ctx.sessions.ready().catch(() => false);
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({
        status: ok ? 'ready' : 'not_ready',
        checks: { sessionStore: ok ? 'ok' : 'failing' },
      });
  });
  return router;
}
