import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { formBody } from '../body';
import { faultAadError } from '../faults';
import { wrap } from '../http';
import { AuthorizeFlow } from './authorize-flow';
import { pageErrors, sendErrorPage } from './authorize-output';

export { SESSION_COOKIE } from './authorize-flow';
/** `GET /{tenant}/oauth2/v2.0/authorize` and the sign-in pages behind it. */
export function authorizeRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const base = '/:tenant/oauth2/v2.0/authorize';
  const flow = new AuthorizeFlow(ctx);

  router.get(
    base,
    wrap(async (req, res) => {
      ctx.counters.authorize += 1;
      const fault = ctx.faults.take('authorize');
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault && (fault.status !== undefined || fault.aadsts !== undefined)) {
        return sendErrorPage(ctx, req, res, faultAadError(fault));
      }
      return flow.start(req, res);
    }),
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
