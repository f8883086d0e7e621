import { Router } from 'express';
import type { WebContext } from '../context';

/**
 * B2C's profile editing: `/edit-profile` runs the edit-profile user flow and comes back to
 * `/profile`, where the new ID token's claims show. 404 unless that user flow is configured.
 */
export function b2cRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/edit-profile', async (req, res, next) => {
    if (!ctx.config.identity.signInAuthority('editProfile')) return next();
    if (!req.session.user) return res.redirect('/login?returnTo=%2Fprofile');
    res.redirect(await ctx.signIn.start(req, res, { returnTo: '/profile', flow: 'editProfile' }));
  });
  return router;
}
