import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { badRequest, resourceNotFound } from '../../errors/graph';
import { wrap } from '../../http';
import type { SeedApp } from '../../seed/schema';
import { assertMayManage } from './caller';
import type { GraphObjects } from './objects';
import { odataContext, ownerResource } from './serialise';

const reference = z.object({ '@odata.id': z.string().min(1) }).passthrough();

/**
 * `/v1.0/applications/{id}/owners`: list (anyone), add (`POST …/owners/$ref` with
 * `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{userId}"}`) and remove
 * (`DELETE …/owners/{userId}/$ref`), both only for those who may manage the app.
 */
export function ownerRoutes(ctx: EmulatorContext, objects: GraphObjects): Router {
  const router = Router();
  const owners = (app: SeedApp) =>
    app.owners.map((o) => ctx.directory.user(o)).filter((u) => u !== undefined);

  router.get(
    '/v1.0/applications/:id/owners',
    wrap(async (req, res) => {
      const app = objects.byObjectId(String(req.params.id));
      res.json({
        '@odata.context': odataContext(req, 'directoryObjects'),
        value: owners(app).map(ownerResource),
      });
    }),
  );

  router.post(
    '/v1.0/applications/:id/owners/$ref',
    wrap(async (req, res) => {
      const app = objects.byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = reference.safeParse(req.body);
      if (!body.success) throw badRequest("Property '@odata.id' is required.");
      const id = body.data['@odata.id'].split('/').pop() ?? '';
      const user = ctx.directory.user(id);
      if (!user) throw resourceNotFound(id);
      if (owners(app).some((o) => o.id === user.id))
        throw badRequest(
          "One or more added object references already exist for the following modified properties: 'owners'.",
        );
      ctx.directory.updateApp(app.clientId, { owners: [...app.owners, user.id] });
      res.status(204).end();
    }),
  );

  router.delete(
    '/v1.0/applications/:id/owners/:ownerId/$ref',
    wrap(async (req, res) => {
      const app = objects.byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const ownerId = String(req.params.ownerId);
      const remaining = app.owners.filter((o) => ctx.directory.user(o)?.id !== ownerId);
      if (remaining.length === app.owners.length) throw resourceNotFound(ownerId);
      ctx.directory.updateApp(app.clientId, { owners: remaining });
      res.status(204).end();
    }),
  );
  return router;
}
