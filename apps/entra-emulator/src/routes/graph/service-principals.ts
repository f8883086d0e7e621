import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { badRequest } from '../../errors/graph';
import { GraphError } from '../../errors/wire';
import { wrap } from '../../http';
import { guid } from '../../seed/schema';
import { assertMayManage } from './caller';
import { parseFilter } from './filter';
import type { GraphObjects } from './objects';
import { odataContext, servicePrincipalResource } from './serialise';

const createBody = z.object({ appId: guid }).passthrough();

/** `/v1.0/servicePrincipals`: list (with `$filter=appId eq '…'`) and create. */
export function servicePrincipalRoutes(ctx: EmulatorContext, objects: GraphObjects): Router {
  const router = Router();

  router.get(
    '/v1.0/servicePrincipals',
    wrap(async (req, res) => {
      const filter = parseFilter(req.query.$filter);
      if (filter && filter.field !== 'appId')
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          "Only $filter=appId eq '…' is supported.",
        );
      const value = ctx.seed.apps
        .filter((a) => objects.hasServicePrincipal(a))
        .filter((a) => !filter || a.clientId.toLowerCase() === filter.value.toLowerCase());
      res.json({
        '@odata.context': odataContext(req, 'servicePrincipals'),
        value: value.map((app) => servicePrincipalResource(ctx, objects, app)),
      });
    }),
  );

  router.post(
    '/v1.0/servicePrincipals',
    wrap(async (req, res) => {
      const body = createBody.safeParse(req.body);
      if (!body.success) throw badRequest("Property 'appId' is required.");
      const app = ctx.directory.app(body.data.appId);
      if (!app) throw badRequest(`Application '${body.data.appId}' does not exist.`);
      assertMayManage(ctx, res, app);
      if (!objects.createServicePrincipal(app))
        throw new GraphError(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          'The service principal already exists.',
        );
      res.status(201).json(servicePrincipalResource(ctx, objects, app));
    }),
  );
  return router;
}
