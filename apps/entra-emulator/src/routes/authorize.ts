import { Router, type Request } from 'express';
import type { EmulatorContext } from '../context';
import { formBody } from '../body';
import { faultAadError } from '../faults';
import { wrap } from '../http';
import { v1AuthorizeQuery } from '../v1';
import { AuthorizeFlow } from './authorize-flow';
import { pageErrors, sendErrorPage } from './authorize-output';

export { SESSION_COOKIE } from './authorize-flow';
/** `GET /{tenant}/oauth2/v2.0/authorize` (and v1's `/oauth2/authorize`) and the sign-in pages. */
export function authorizeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const base = '/:tenant/oauth2/v2.0/authorize';
  const flow = new AuthorizeFlow(ctx);

  const start = (v2Query: (req: Request) => Record<string, unknown>) =>
    wrap(async (req, res) => {
      ctx.counters.authorize += 1;
      const fault = ctx.faults.take('authorize');
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault && (fault.status !== undefined || fault.aadsts !== undefined)) {
        return sendErrorPage(ctx, req, res, faultAadError(fault));
      }
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
  router.use(base, pageErrors(ctx));
  return router;
}
