import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { AadError, aad } from '../errors';
import { faultAadError } from '../faults';
import { formBody, wrap } from '../http';
import { AuthorizeFlow } from './authorize-flow';
import { sendErrorPage } from './authorize-output';

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
  router.use(base, ((err, req, res, next) => {
    if (err instanceof AadError) return sendErrorPage(ctx, req, res, err);
    if (err && typeof err.type === 'string') return sendErrorPage(ctx, req, res, aad.malformed());
    return next(err);
  }) as import('express').ErrorRequestHandler);
  return router;
}
