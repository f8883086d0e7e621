import { Router, type Request } from 'express';
import type { EmulatorContext } from '../context';
import { formBody } from '../body';
import { errorHandler } from '../errors/render';
import { applyFault, wrap } from '../http';
import { v1AuthorizeQuery } from '../v1';
import { AuthorizeFlow } from './authorize-flow';

export { SESSION_COOKIE } from './authorize-flow';
/** `GET /{tenant}/oauth2/v2.0/authorize` (and v1's `/oauth2/authorize`) and the sign-in pages. */
export function authorizeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const base = '/:tenant/oauth2/v2.0/authorize';
  const flow = new AuthorizeFlow(ctx);

  const start = (v2Query: (req: Request) => Record<string, unknown>) =>
    wrap(async (req, res) => {
      ctx.counters.authorize += 1;
      await applyFault(ctx, 'authorize');
      return flow.start(req, res, v2Query(req));
    });
  router.get(
    base,
    start((req) => req.query),
  );
  // v1 (what the v1 discovery document advertises): `resource` instead of scopes.
  router.get(
    '/:tenant/oauth2/authorize',
    start((req) => v1AuthorizeQuery(req.query)),
  );
  for (const step of ['login', 'select', 'mfa', 'consent'] as const) {
    router.post(
      `${base}/${step}`,
      ...formBody(),
      wrap((req, res) => flow.step(step, req, res)),
    );
  }
  router.use([base, '/:tenant/oauth2/authorize'], errorHandler(ctx, 'page'));
  return router;
}
