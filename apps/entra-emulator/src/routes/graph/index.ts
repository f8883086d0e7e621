import { Router } from 'express';
import { jsonBody } from '../../body';
import type { EmulatorContext } from '../../context';
import { errorHandler } from '../../errors/render';
import { GraphError } from '../../errors/wire';
import { applyFault, wrap } from '../../http';
import { applicationRoutes } from './applications';
import { authenticateCaller, registrationCaller } from './caller';
import { GraphObjects } from './objects';
import { ownerRoutes } from './owners';
import { servicePrincipalRoutes } from './service-principals';
import { userRoutes } from './users';

export { ARM_APP_ID } from '../../resources';

/**
 * A Microsoft Graph subset under `{mount}/v1.0` (paths are relative to the mount, so the same
 * router serves a host's root): the signed-in user and the tenant's users, and what app
 * registration needs — applications, their owners and service principals. What is created
 * becomes a real registration in the emulator's directory: sign-in, token issuance and
 * On-Behalf-Of work with it at once.
 *
 * - `caller.ts`: who may call (a Graph token of the workforce or External ID tenant) and who may
 *   change what;
 * - `users.ts`: `/me` and `/users/{id}`;
 * - `objects.ts`: the directory's apps as Graph objects (ids, Graph-only facts);
 * - `serialise.ts`: Graph's resource shapes; `application-write.ts`: what a write may say;
 * - `applications.ts`, `owners.ts`, `service-principals.ts`: the app-registration endpoints.
 */
export function graphRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const objects = new GraphObjects(ctx);
  router.use(
    wrap(async (_req, res, next) => {
      ctx.counters.graph.total += 1;
      await applyFault(ctx, 'graph', { res });
      next();
    }),
  );
  router.use(authenticateCaller(ctx));
  router.use(jsonBody());
  router.use(userRoutes(ctx));
  router.use(registrationCaller());
  router.use(applicationRoutes(ctx, objects));
  router.use(servicePrincipalRoutes(ctx, objects));
  router.use(ownerRoutes(ctx, objects));
  router.use((req, _res, next) =>
    next(
      new GraphError(
        400,
        'Request_UnsupportedQuery',
        `The emulator's Graph does not serve ${req.method} ${req.path}.`,
      ),
    ),
  );
  router.use(errorHandler(ctx, 'graph'));
  return router;
}
