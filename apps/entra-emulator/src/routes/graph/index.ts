import { Router } from 'express';
import { jsonBody } from '../../body';
import type { EmulatorContext } from '../../context';
import { errorHandler } from '../../errors/render';
import { GraphError } from '../../errors/wire';
import { applicationRoutes } from './applications';
import { authenticateCaller } from './caller';
import { GraphObjects } from './objects';
import { ownerRoutes } from './owners';
import { servicePrincipalRoutes } from './service-principals';

export { ARM_APP_ID } from '../../resources';

/**
 * The Microsoft Graph subset app registration needs, under `/graph/v1.0`: applications, their
 * owners and service principals. What is created becomes a real registration in the emulator's
 * directory: sign-in, token issuance and On-Behalf-Of work with it at once.
 *
 * - `caller.ts`: who may call (a Graph token of this tenant) and who may change what;
 * - `objects.ts`: the directory's apps as Graph objects (ids, Graph-only facts);
 * - `serialise.ts`: Graph's resource shapes; `application-write.ts`: what a write may say;
 * - `applications.ts`, `owners.ts`, `service-principals.ts`: the endpoints.
 */
export function graphRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const objects = new GraphObjects(ctx);
  router.use(authenticateCaller(ctx));
  router.use(jsonBody());
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
