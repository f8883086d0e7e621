import { Router, type Response } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { wrap } from '../http';
import { APP_ADMIN_ROLES, type SeedApp, type SeedUser } from '../seed/schema';
import { insufficientPrivileges, resourceNotFound } from '../errors/graph';
import { GraphError } from '../errors/wire';

/** Who is calling Graph: a user (delegated token) or an app holding Application.ReadWrite.All. */
export type GraphCaller = { kind: 'app' } | { kind: 'user'; user: SeedUser };

/** Remembers the authenticated caller for the handlers after the auth middleware. */
export function setCaller(res: Response, caller: GraphCaller): void {
  (res.locals as { graphCaller?: GraphCaller }).graphCaller = caller;
}

export function callerOf(res: Response): GraphCaller {
  const caller = (res.locals as { graphCaller?: GraphCaller }).graphCaller;
  if (!caller) throw insufficientPrivileges();
  return caller;
}

/**
 * Entra's rule for changing an app registration (properties, credentials, owners, its service
 * principal): an owner of the app, a user in an application-administrator role, or an app
 * with `Application.ReadWrite.All`. Everyone else: 403 `Authorization_RequestDenied`.
 */
export function mayManage(ctx: EmulatorContext, caller: GraphCaller, app: SeedApp): boolean {
  if (caller.kind === 'app') return true;
  const { user } = caller;
  if (user.directoryRoles.some((role) => (APP_ADMIN_ROLES as readonly string[]).includes(role)))
    return true;
  return app.owners.some((owner) => ctx.directory.user(owner)?.id === user.id);
}

export function assertMayManage(ctx: EmulatorContext, res: Response, app: SeedApp): void {
  if (!mayManage(ctx, callerOf(res), app)) throw insufficientPrivileges();
}

const reference = z.object({ '@odata.id': z.string().min(1) }).passthrough();

/**
 * `/v1.0/applications/{id}/owners`: list (anyone), add (`POST …/owners/$ref` with
 * `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{userId}"}`) and remove
 * (`DELETE …/owners/{userId}/$ref`), both under {@link mayManage}.
 */
export function ownerRoutes(ctx: EmulatorContext, byObjectId: (id: string) => SeedApp): Router {
  const router = Router();
  const toGraph = (user: SeedUser) => ({
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
  });
  const owners = (app: SeedApp) =>
    app.owners.map((o) => ctx.directory.user(o)).filter((u) => u !== undefined);

  router.get(
    '/v1.0/applications/:id/owners',
    wrap(async (req, res) => {
      const app = byObjectId(String(req.params.id));
      res.json({
        '@odata.context': `${ctx.baseUrl}/graph/v1.0/$metadata#directoryObjects`,
        value: owners(app).map(toGraph),
      });
    }),
  );

  router.post(
    '/v1.0/applications/:id/owners/$ref',
    wrap(async (req, res) => {
      const app = byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = reference.safeParse(req.body);
      if (!body.success)
        throw new GraphError(400, 'Request_BadRequest', "Property '@odata.id' is required.");
      const id = body.data['@odata.id'].split('/').pop() ?? '';
      const user = ctx.directory.user(id);
      if (!user) throw resourceNotFound(id);
      if (owners(app).some((o) => o.id === user.id))
        throw new GraphError(
          400,
          'Request_BadRequest',
          "One or more added object references already exist for the following modified properties: 'owners'.",
        );
      ctx.directory.updateApp(app.clientId, { owners: [...app.owners, user.id] });
      res.status(204).end();
    }),
  );

  router.delete(
    '/v1.0/applications/:id/owners/:ownerId/$ref',
    wrap(async (req, res) => {
      const app = byObjectId(String(req.params.id));
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
