import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { Router, type Request } from 'express';
import { jsonBody } from '../body';
import { z } from 'zod';
import { v1Issuer, v2Issuer, type EmulatorContext } from '../context';
import { derivedGuid, GRAPH_APP_ID } from '../directory';
import { wrap } from '../http';
import { resourceTokenValidator } from '../resource-validator';
import type { SeedApp } from '../seed/schema';
import { insufficientPrivileges, resourceNotFound } from '../errors/graph';
import { errorHandler } from '../errors/render';
import { GraphError } from '../errors/wire';
import { assertMayManage, callerOf, ownerRoutes, setCaller } from './graph-owners';

/**
 * The Microsoft Graph subset app registration needs, under `/graph/v1.0`: applications
 * (list with `$filter`, create, get, update — `keyCredentials` included, so a certificate
 * uploaded this way signs `private_key_jwt` client assertions — `addPassword`) and service
 * principals (list with `$filter=appId eq '…'`, create). What is created becomes a real registration in the
 * emulator's directory: sign-in, token issuance and On-Behalf-Of work with it at once.
 *
 * Authentication: a Graph access token from this emulator (`aud` https://graph.microsoft.com).
 * Delegated tokens of any tenant user are accepted (Entra's default "users can register
 * applications"); app-only tokens need the `Application.ReadWrite.All` role.
 * Authorization (see `mayManage`): anyone may read and create registrations (the creator
 * becomes the owner); only an app's owners, application administrators and app-only callers
 * may change one, add credentials, owners or its service principal — anyone else gets 403
 * `Authorization_RequestDenied` and nothing changes.
 * Consent: apps written through Graph are treated as admin-consented for their
 * `requiredResourceAccess` (what `az ad app permission admin-consent` would do).
 */
export const GRAPH_AUDIENCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  GRAPH_APP_ID,
];
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

/** Permission ids Microsoft publishes, so clients can use the real ones. */
const WELL_KNOWN_PERMISSION_IDS: Record<string, string> = {
  [`${ARM_APP_ID}/user_impersonation`]: '41094075-9dad-400e-a0bd-54e686782033',
  [`${GRAPH_APP_ID}/User.Read`]: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
};
/** First-party apps: service principals in a tenant, never its application objects. */
const FIRST_PARTY = new Set([ARM_APP_ID, GRAPH_APP_ID]);

// Not z.uuid(): first-party ids such as Graph's 00000003-0000-0000-c000-… are not RFC 4122.
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a GUID');
const applicationWrite = z
  .object({
    displayName: z.string().min(1).max(120),
    identifierUris: z.array(z.string().min(1)),
    signInAudience: z.string(),
    api: z
      .object({
        requestedAccessTokenVersion: z.union([z.literal(1), z.literal(2), z.null()]),
        knownClientApplications: z.array(guid),
        oauth2PermissionScopes: z.array(
          z
            .object({ id: guid, value: z.string().min(1), isEnabled: z.boolean().optional() })
            .passthrough(),
        ),
      })
      .partial(),
    web: z
      .object({ redirectUris: z.array(z.string().url()) })
      .partial()
      .passthrough(),
    requiredResourceAccess: z.array(
      z.object({
        resourceAppId: guid,
        resourceAccess: z.array(z.object({ id: guid, type: z.enum(['Scope', 'Role']) })),
      }),
    ),
    // PATCH replaces the whole collection, as in Graph; `key` is the base64 DER certificate.
    keyCredentials: z
      .array(
        z
          .object({
            type: z.literal('AsymmetricX509Cert'),
            usage: z.literal('Verify'),
            key: z.string().min(1).max(16_384),
            displayName: z.string().max(120).nullish(),
          })
          .passthrough(),
      )
      .max(10),
  })
  .partial()
  .passthrough();
type ApplicationWrite = z.infer<typeof applicationWrite>;

interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
}

/** Graph-only facts about apps that the seed format does not hold. */
interface GraphState {
  permissionIds: Map<string, string>;
  passwords: Map<string, PasswordCredential[]>;
  /** Apps created through Graph that have no service principal yet. */
  withoutServicePrincipal: Set<string>;
}

export function graphRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const state: GraphState = {
    permissionIds: new Map(),
    passwords: new Map(),
    withoutServicePrincipal: new Set(),
  };
  const validator = resourceTokenValidator(ctx, {
    audiences: GRAPH_AUDIENCES,
    issuers: [v1Issuer(ctx), v2Issuer(ctx)],
    allowedTenants: [ctx.seed.tenant.id],
  });

  router.use(
    wrap(async (req, res, next) => {
      const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
      if (!match) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      // A refused token reaches the error handler, which answers it as Graph does.
      const token = await validator.validate(match[1]);
      if (token.kind === 'app') {
        if (!token.roles.includes('Application.ReadWrite.All')) throw insufficientPrivileges();
        setCaller(res, { kind: 'app' });
      } else {
        const user = ctx.directory.user(token.objectId);
        if (!user) throw insufficientPrivileges();
        setCaller(res, { kind: 'user', user });
      }
      next();
    }),
  );
  router.use(jsonBody());

  const permissionId = (app: SeedApp, value: string) =>
    state.permissionIds.get(`${app.clientId}/${value}`) ??
    WELL_KNOWN_PERMISSION_IDS[`${app.clientId}/${value}`] ??
    derivedGuid(`permission:${app.clientId}/${value}`);
  const objectId = (app: SeedApp) => derivedGuid(`application:${app.clientId}`);
  const byObjectId = (id: string) => {
    const app = ctx.seed.apps.find(
      (a) => objectId(a) === id.toLowerCase() && !FIRST_PARTY.has(a.clientId),
    );
    if (!app) throw resourceNotFound(id);
    return app;
  };

  const toGraph = (app: SeedApp) => ({
    id: objectId(app),
    appId: app.clientId,
    displayName: app.displayName,
    signInAudience: 'AzureADMyOrg',
    identifierUris: app.identifierUris,
    api: {
      requestedAccessTokenVersion: app.requestedAccessTokenVersion,
      knownClientApplications: app.knownClientApplications,
      oauth2PermissionScopes: app.scopes.map((value) => ({
        id: permissionId(app, value),
        value,
        type: 'User',
        isEnabled: true,
        adminConsentDisplayName: value,
        adminConsentDescription: value,
      })),
    },
    appRoles: app.appRoles.map((value) => ({
      id: permissionId(app, value),
      value,
      isEnabled: true,
      allowedMemberTypes: ['Application'],
    })),
    web: { redirectUris: app.redirectUris, logoutUrl: null },
    requiredResourceAccess: app.requiredResourceAccess.flatMap((access) => {
      const resource = ctx.directory.resource(access.resource);
      if (!resource) return [];
      return [
        {
          resourceAppId: resource.clientId,
          resourceAccess: [
            ...access.scopes.map((s) => ({ id: permissionId(resource, s), type: 'Scope' })),
            ...access.roles.map((r) => ({ id: permissionId(resource, r), type: 'Role' })),
          ],
        },
      ];
    }),
    passwordCredentials: passwordsOf(app),
    keyCredentials: app.certificates.map((pem) => keyCredentialOf(app, pem)),
  });

  /** A registered certificate as Graph lists it: never the key itself (`key` is null on read). */
  const keyCredentialOf = (app: SeedApp, pem: string) => {
    const cert = new X509Certificate(pem);
    const thumbprint = cert.fingerprint.replace(/:/g, '');
    return {
      keyId: derivedGuid(`key:${app.clientId}/${thumbprint}`),
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      key: null,
      customKeyIdentifier: thumbprint,
      displayName: /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? null,
      startDateTime: new Date(cert.validFrom).toISOString(),
      endDateTime: new Date(cert.validTo).toISOString(),
    };
  };

  const passwordsOf = (app: SeedApp): PasswordCredential[] => {
    const known = state.passwords.get(app.clientId) ?? [];
    const seeded = app.secrets
      .filter((s) => !known.some((k) => k.hint === s.slice(0, 3)))
      .map((s, i) => ({
        keyId: derivedGuid(`password:${app.clientId}/${i}`),
        displayName: 'seed',
        hint: s.slice(0, 3),
        startDateTime: new Date(0).toISOString(),
        endDateTime: '2299-12-31T00:00:00Z',
      }));
    return [...seeded, ...known];
  };

  /** Applies a create/update body to a seed app (mutating it). */
  const apply = (app: SeedApp, body: ApplicationWrite) => {
    // Checked first: a bad certificate changes nothing else either.
    if (body.keyCredentials !== undefined) {
      app.certificates = body.keyCredentials.map((credential, i) => {
        try {
          return new X509Certificate(Buffer.from(credential.key, 'base64')).toString();
        } catch {
          throw new GraphError(
            400,
            'KeyCredentialsInvalidValue',
            `Key credential ${i}: 'key' is not a base64-encoded X.509 certificate.`,
          );
        }
      });
    }
    if (body.displayName !== undefined) app.displayName = body.displayName;
    if (body.identifierUris !== undefined) app.identifierUris = body.identifierUris;
    if (body.web?.redirectUris !== undefined) app.redirectUris = body.web.redirectUris;
    const api = body.api;
    if (api?.requestedAccessTokenVersion !== undefined)
      app.requestedAccessTokenVersion = api.requestedAccessTokenVersion === 2 ? 2 : 1;
    if (api?.knownClientApplications !== undefined)
      app.knownClientApplications = api.knownClientApplications;
    if (api?.oauth2PermissionScopes !== undefined) {
      const enabled = api.oauth2PermissionScopes.filter((s) => s.isEnabled !== false);
      for (const s of enabled)
        state.permissionIds.set(`${app.clientId}/${s.value}`, s.id.toLowerCase());
      app.scopes = enabled.map((s) => s.value);
    }
    if (body.requiredResourceAccess !== undefined) {
      app.requiredResourceAccess = body.requiredResourceAccess.map((access) => {
        const resource = ctx.directory.app(access.resourceAppId);
        if (!resource)
          throw new GraphError(
            400,
            'Request_BadRequest',
            `Resource application '${access.resourceAppId}' is not in the directory.`,
          );
        const named = (type: 'Scope' | 'Role', values: string[]) =>
          access.resourceAccess
            .filter((a) => a.type === type)
            .map((a) => {
              const value = values.find((v) => permissionId(resource, v) === a.id.toLowerCase());
              if (!value)
                throw new GraphError(
                  400,
                  'Request_BadRequest',
                  `Permission '${a.id}' (${type}) is not exposed by '${resource.displayName}'.`,
                );
              return value;
            });
        return {
          resource: resource.clientId,
          scopes: named('Scope', resource.scopes),
          roles: named('Role', resource.appRoles),
        };
      });
    }
  };

  const parse = (req: Request): ApplicationWrite => {
    const parsed = applicationWrite.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GraphError(
        400,
        'Request_BadRequest',
        `Invalid value for '${issue.path.join('.')}': ${issue.message}`,
      );
    }
    return parsed.data;
  };

  router.get(
    '/v1.0/applications',
    wrap(async (req, res) => {
      const filter = parseFilter(req.query.$filter);
      const apps = ctx.seed.apps.filter((a) => !FIRST_PARTY.has(a.clientId));
      const value = apps.filter((a) => {
        if (!filter) return true;
        if (filter.field === 'displayName') return a.displayName === filter.value;
        if (filter.field === 'appId')
          return a.clientId.toLowerCase() === filter.value.toLowerCase();
        return a.identifierUris.includes(filter.value);
      });
      res.json({
        '@odata.context': `${ctx.baseUrl}/graph/v1.0/$metadata#applications`,
        value: value.map(toGraph),
      });
    }),
  );

  router.post(
    '/v1.0/applications',
    wrap(async (req, res) => {
      const caller = callerOf(res);
      const body = parse(req);
      if (!body.displayName)
        throw new GraphError(400, 'Request_BadRequest', "Property 'displayName' is required.");
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
      apply(app, body);
      ctx.directory.addApp(app, { adminConsented: true });
      state.withoutServicePrincipal.add(app.clientId);
      res.status(201).json(toGraph(app));
    }),
  );

  router.get(
    '/v1.0/applications/:id',
    wrap(async (req, res) => {
      res.json(toGraph(byObjectId(String(req.params.id))));
    }),
  );

  router.patch(
    '/v1.0/applications/:id',
    wrap(async (req, res) => {
      const app = byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = parse(req);
      const draft = structuredClone(app);
      apply(draft, body); // all or nothing: a bad field leaves the app as it was
      ctx.directory.updateApp(app.clientId, draft);
      res.status(204).end();
    }),
  );

  router.post(
    '/v1.0/applications/:id/addPassword',
    wrap(async (req, res) => {
      const app = byObjectId(String(req.params.id));
      assertMayManage(ctx, res, app);
      const body = z
        .object({
          passwordCredential: z
            .object({ displayName: z.string().optional(), endDateTime: z.string().optional() })
            .optional(),
        })
        .safeParse(req.body ?? {});
      if (!body.success)
        throw new GraphError(400, 'Request_BadRequest', 'Invalid passwordCredential.');
      const secretText = randomBytes(30).toString('base64url');
      const start = new Date(ctx.now());
      const credential: PasswordCredential = {
        keyId: randomUUID(),
        displayName: body.data.passwordCredential?.displayName ?? null,
        hint: secretText.slice(0, 3),
        startDateTime: start.toISOString(),
        endDateTime:
          body.data.passwordCredential?.endDateTime ??
          new Date(start.getTime() + 2 * 365 * 86_400_000).toISOString(),
      };
      ctx.directory.updateApp(app.clientId, { secrets: [...app.secrets, secretText] });
      state.passwords.set(app.clientId, [...(state.passwords.get(app.clientId) ?? []), credential]);
      res.json({ ...credential, secretText });
    }),
  );

  const servicePrincipal = (app: SeedApp) => ({
    id: ctx.directory.servicePrincipalId(app),
    appId: app.clientId,
    displayName: app.displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: FIRST_PARTY.has(app.clientId)
      ? 'f8cdef31-a31e-4b4a-93e4-5f571e91255a'
      : ctx.seed.tenant.id,
    servicePrincipalNames: [app.clientId, ...app.identifierUris],
  });

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
        .filter((a) => !state.withoutServicePrincipal.has(a.clientId))
        .filter((a) => !filter || a.clientId.toLowerCase() === filter.value.toLowerCase());
      res.json({
        '@odata.context': `${ctx.baseUrl}/graph/v1.0/$metadata#servicePrincipals`,
        value: value.map(servicePrincipal),
      });
    }),
  );

  router.post(
    '/v1.0/servicePrincipals',
    wrap(async (req, res) => {
      const body = z.object({ appId: guid }).passthrough().safeParse(req.body);
      if (!body.success)
        throw new GraphError(400, 'Request_BadRequest', "Property 'appId' is required.");
      const app = ctx.directory.app(body.data.appId);
      if (!app)
        throw new GraphError(
          400,
          'Request_BadRequest',
          `Application '${body.data.appId}' does not exist.`,
        );
      assertMayManage(ctx, res, app);
      if (!state.withoutServicePrincipal.delete(app.clientId))
        throw new GraphError(
          409,
          'Request_MultipleObjectsWithSameKeyValue',
          'The service principal already exists.',
        );
      res.status(201).json(servicePrincipal(app));
    }),
  );

  router.use(ownerRoutes(ctx, byObjectId));

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

/** `displayName eq '…'`, `appId eq '…'` or `identifierUris/any(x:x eq '…')`. */
function parseFilter(
  filter: unknown,
): { field: 'displayName' | 'appId' | 'identifierUris'; value: string } | undefined {
  if (filter === undefined) return undefined;
  const text = String(filter).trim();
  const quoted = "'((?:[^']|'')*)'";
  const eq = new RegExp(`^(displayName|appId) eq ${quoted}$`).exec(text);
  if (eq) return { field: eq[1] as 'displayName' | 'appId', value: eq[2].replace(/''/g, "'") };
  const any = new RegExp(`^identifierUris/any\\((\\w+):\\s*\\1 eq ${quoted}\\)$`).exec(text);
  if (any) return { field: 'identifierUris', value: any[2].replace(/''/g, "'") };
  throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported $filter: ${text}`);
}
