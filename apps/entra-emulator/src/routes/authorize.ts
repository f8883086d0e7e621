import { Router, type NextFunction, type Request, type Response } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { applyFault, wrap } from '../http';
import { addressed, realmOf } from '../tenants/registry';
import type { Realm } from '../tenants/tenant';
import { v1AuthorizeQuery } from '../v1';

/** A tenant's authorize endpoint, and a B2C user flow's. */
const V2 = ['/:tenant/oauth2/v2.0/authorize', '/:tenant/:policy/oauth2/v2.0/authorize'];
/** v1 (what the v1 discovery document advertises): `resource` instead of scopes. */
const V1 = '/:tenant/oauth2/authorize';
/** The sign-in pages' links (GET) and forms (POST). */
const PAGES = [
  '/:tenant/oauth2/v2.0/authorize/:action',
  '/:tenant/:policy/oauth2/v2.0/authorize/:action',
];

/**
 * `GET …/authorize` of every tenant and the sign-in pages behind it: the addressed tenant's
 * journey (`tenant.signIn`) runs them. Errors before the redirect URI is trusted are the
 * tenant's error page. Every authorize request is counted and may meet an injected fault.
 */
export function authorizeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const realm = (req: Request, res: Response): Realm => {
    const found = realmOf(res);
    if (!found) throw aad.unknownTenant(String(req.params.tenant));
    return found;
  };
  const start = async (req: Request, res: Response, query: Record<string, unknown>) => {
    ctx.counters.authorize += 1;
    await applyFault(ctx, 'authorize');
    const addressedRealm = realm(req, res);
    addressedRealm.tenant.signIn.start(addressedRealm, req, res, query);
  };

  router.get(
    V2,
    addressed(ctx),
    wrap((req, res) => start(req, res, req.query)),
  );
  router.get(
    V1,
    addressed(ctx),
    wrap((req, res) => {
      const found = realmOf(res);
      if (found && !found.tenant.v1) throw found.tenant.errors.v1NotServed('authorize', found.base);
      return start(req, res, v1AuthorizeQuery(req.query));
    }),
  );
  const page = (run: 'link' | 'step') => (req: Request, res: Response, next: NextFunction) => {
    const addressedRealm = realm(req, res);
    const action = String(req.params.action);
    if (!addressedRealm.tenant.signIn[run](addressedRealm, req, res, action)) next();
  };
  router.get(PAGES, addressed(ctx), page('link'));
  router.post(PAGES, addressed(ctx), ...formBody(), page('step'));
  router.use([...V2, V1, ...PAGES], errorHandler(ctx, 'page'));
  return router;
}
