import { randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { badRequest } from '../../errors/graph';
import { wrap } from '../../http';
import type { SeedApp } from '../../seed/schema';
import { applyApplicationWrite, parseApplicationWrite } from './application-write';
import { assertMayManage, callerOf } from './caller';
import { parseFilter } from './filter';
import type { GraphObjects, PasswordCredential } from './objects';
import { applicationResource, odataContext } from './serialise';

/** A new secret's lifetime when the request names none: two years, as Entra's default. */
const PASSWORD_LIFETIME_MS = 2 * 365 * 86_400_000;

const addPasswordBody = z.object({
  passwordCredential: z
    .object({ displayName: z.string().optional(), endDateTime: z.string().optional() })
    .optional(),
});

/**
 * `/v1.0/applications`: list (with `$filter`), create, get, update (`keyCredentials` included,
 * so a certificate uploaded this way signs `private_key_jwt` client assertions) and
 * `addPassword`. What is written is a real registration in the emulator's directory at once;
 * apps written through Graph are treated as admin-consented for their `requiredResourceAccess`
 * (what `az ad app permission admin-consent` would do).
 */
export function applicationRoutes(ctx: EmulatorContext, objects: GraphObjects): Router {
  const router = Router();
  const resource = (app: SeedApp) => applicationResource(ctx, objects, app);

  router.get(
    '/v1.0/applications',
    wrap(async (req, res) => {
      const filter = parseFilter(req.query.$filter);
      const value = ctx.seed.apps.filter((a) => {
        if (objects.isFirstParty(a)) return false;
        if (!filter) return true;
        if (filter.field === 'displayName') return a.displayName === filter.value;
        if (filter.field === 'appId')
          return a.clientId.toLowerCase() === filter.value.toLowerCase();
        return a.identifierUris.includes(filter.value);
      });
      res.json({ '@odata.context': odataContext(req, 'applications'), value: value.map(resource) });
    }),
  );

  router.post(
    '/v1.0/applications',
    wrap(async (req, res) => {
      const caller = callerOf(res);
      const body = parseApplicationWrite(req.body);
      if (!body.displayName) throw badRequest("Property 'displayName' is required.");
      const app: SeedApp = {
        displayName: body.displayName,
        clientId: randomUUID(),
        secrets: [],
        certificates: [],
        federatedCredentials: [],
        redirectUris: [],
        postLogoutRedirectUris: [],
        identifierUris: [],
        scopes: [],
        appRoles: [],
        requiredResourceAccess: [],
        knownClientApplications: [],
        requestedAccessTokenVersion: 1,
        allowPublicClient: false,
        // Entra makes the creating user the owner ("users can register applications").
        owners: caller.kind === 'user' ? [caller.user.id] : [],
      };
      applyApplicationWrite(ctx, objects, app, body);
      ctx.directory.addApp(app, { adminConsented: true });
      objects.createdWithoutServicePrincipal(app);
      res.status(201).json(resource(app));
    }),
  );

  router.get(
    '/v1.0/applications/:id',
    wrap(async (req, res) => {
      res.json(resource(objects.byObjectId(String(req.params.id))));
    }),
  );

  router.patch(
    '/v1.0/applications/:id',
    wrap(async (req, res) => {
      const app = objects.byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = parseApplicationWrite(req.body);
      const draft = structuredClone(app);
      applyApplicationWrite(ctx, objects, draft, body); // all or nothing
      ctx.directory.updateApp(app.clientId, draft);
      res.status(204).end();
    }),
  );

  router.post(
    '/v1.0/applications/:id/addPassword',
    wrap(async (req, res) => {
      const app = objects.byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = addPasswordBody.safeParse(req.body ?? {});
      if (!body.success) throw badRequest('Invalid passwordCredential.');
      const secretText = randomBytes(30).toString('base64url');
      const start = new Date(ctx.now());
      const credential: PasswordCredential = {
        keyId: randomUUID(),
        displayName: body.data.passwordCredential?.displayName ?? null,
        hint: secretText.slice(0, 3),
        startDateTime: start.toISOString(),
        endDateTime:
          body.data.passwordCredential?.endDateTime ??
          new Date(start.getTime() + PASSWORD_LIFETIME_MS).toISOString(),
      };
      ctx.directory.updateApp(app.clientId, { secrets: [...app.secrets, secretText] });
      objects.addPassword(app, credential);
      res.json({ ...credential, secretText });
    }),
  );
  return router;
}
