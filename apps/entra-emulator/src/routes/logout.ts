import { Router } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { clearCookie, sessionOf } from '../flows/browser';
import { addressed, realmOf } from '../tenants/registry';
import { sendHtml } from '../views/html';
import { signedOutPage } from '../views/pages';

/** v2 sign-out, v1's (what the v1 discovery documents advertise), and a B2C user flow's. */
const PATHS = [
  '/:tenant/oauth2/v2.0/logout',
  '/:tenant/oauth2/logout',
  '/:tenant/:policy/oauth2/v2.0/logout',
];

/**
 * Sign-out of every tenant: ends the browser's session there, then redirects to
 * `post_logout_redirect_uri` only when the client (or, unnamed, any app of the tenant)
 * registered it; otherwise the signed-out page.
 */
export function logoutRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.all(PATHS, addressed(ctx), ...formBody(), (req, res) => {
    ctx.counters.logout += 1;
    const realm = realmOf(res);
    if (!realm) throw aad.unknownTenant(String(req.params.tenant));
    const { tenant } = realm;
    const params = {
      ...(req.query as Record<string, unknown>),
      ...(req.body as Record<string, unknown>),
    };
    const session = sessionOf(ctx, req, tenant);
    if (session) ctx.store.sessions.delete(session.id);
    clearCookie(res, tenant.cookies.session);
    const target =
      typeof params.post_logout_redirect_uri === 'string'
        ? params.post_logout_redirect_uri
        : undefined;
    const client = tenant.app(params.client_id);
    const registered = (client ? [client] : tenant.apps()).some(
      (a) => target !== undefined && a.postLogoutRedirectUris.includes(target),
    );
    if (target && registered) {
      const url = new URL(target);
      if (typeof params.state === 'string') url.searchParams.set('state', params.state);
      return res.redirect(302, url.toString());
    }
    return sendHtml(res, signedOutPage(tenant.displayName));
  });
  router.use(PATHS, errorHandler(ctx, 'page'));
  return router;
}
