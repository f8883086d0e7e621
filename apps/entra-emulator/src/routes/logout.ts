import { Router } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { parseCookies } from '../http';
import { sendHtml } from '../views/html';
import { signedOutPage } from '../views/pages';
import { SESSION_COOKIE } from './authorize';
import { errorHandler } from '../errors/render';

/**
 * `/{tenant}/oauth2/v2.0/logout` and v1's `/{tenant}/oauth2/logout` (what the v1 discovery
 * document advertises): ends the browser session; redirects only to registered URIs.
 */
export function logoutRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const paths = ['/:tenant/oauth2/v2.0/logout', '/:tenant/oauth2/logout'];
  router.all(paths, ...formBody(), (req, res) => {
    ctx.counters.logout += 1;
    const tenant = String(req.params.tenant);
    if (!ctx.directory.knowsTenant(tenant)) throw aad.unknownTenant(tenant);
    const params = {
      ...(req.query as Record<string, unknown>),
      ...(req.body as Record<string, unknown>),
    };
    const sessionId = parseCookies(req)[SESSION_COOKIE];
    if (sessionId) ctx.store.sessions.delete(sessionId);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'none', path: '/' });
    const target =
      typeof params.post_logout_redirect_uri === 'string'
        ? params.post_logout_redirect_uri
        : undefined;
    const client = ctx.directory.app(params.client_id);
    const registered = (client ? [client] : ctx.seed.apps).some(
      (a) => target !== undefined && a.postLogoutRedirectUris.includes(target),
    );
    if (target && registered) {
      const url = new URL(target);
      if (typeof params.state === 'string') url.searchParams.set('state', params.state);
      return res.redirect(302, url.toString());
    }
    return sendHtml(res, signedOutPage(ctx.seed.tenant.displayName));
  });
  router.use(paths, errorHandler(ctx, 'page'));
  return router;
}
