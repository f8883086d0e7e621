import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../../context';
import { badRequest, insufficientPrivileges, resourceNotFound } from '../../errors/graph';
import { GraphError } from '../../errors/wire';
import { wrap } from '../../http';
import type { SeedCustomerUser, SeedUser } from '../../seed/schema';
import type { CustomerTenant } from '../../tenants/customer/tenant';
import { callerOf, type GraphCaller } from './caller';
import { odataContext } from './serialise';

/** Delegated permissions that let a user read their own profile (`/me`). */
const READ_SELF = [
  'User.Read',
  'User.ReadWrite',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];
/** Delegated permissions that let a user read other users' profiles. */
const READ_OTHERS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];
/** Application permissions that let an app read users. */
const READ_USERS_AS_APP = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

/** Graph's default `user` properties, in Graph's order. */
const PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;
type Property = (typeof PROPERTIES)[number];
type GraphUser = Record<Property, string | string[] | null>;

/**
 * Microsoft Graph's users, read-only: `GET /v1.0/me` (the signed-in user; `User.Read`) and
 * `GET /v1.0/users/{id or userPrincipalName}` (the caller themselves with `User.Read`, anyone
 * in their tenant with `User.Read.All`; apps with the `User.Read.All` role), for the workforce
 * tenant's users and the External ID tenant's. Graph's default properties, or those `$select`
 * names.
 */
export function userRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get(
    '/v1.0/me',
    wrap(async (req, res) => {
      ctx.counters.graph.me += 1;
      const caller = callerOf(res);
      if (caller.kind === 'app') {
        throw new GraphError(
          400,
          'BadRequest',
          '/me request is only valid with delegated authentication flow.',
        );
      }
      if (!caller.scopes.some((s) => READ_SELF.includes(s))) throw insufficientPrivileges();
      res.json(userResource(req, res, profileOf(caller)));
    }),
  );

  router.get(
    '/v1.0/users/:id',
    wrap(async (req, res) => {
      ctx.counters.graph.user += 1;
      const caller = callerOf(res);
      const id = String(req.params.id);
      const target = findUser(ctx, caller, id);
      const self = caller.kind !== 'app' && target?.id === caller.user.id;
      const allowed =
        caller.kind === 'app'
          ? caller.roles.some((r) => READ_USERS_AS_APP.includes(r))
          : caller.scopes.some((s) => (self ? READ_SELF : READ_OTHERS).includes(s));
      // Without the permission, whether the user exists is not told either.
      if (!allowed) throw insufficientPrivileges();
      if (!target) throw resourceNotFound(id);
      res.json(userResource(req, res, target));
    }),
  );

  return router;
}

/** The calling user's profile. */
function profileOf(caller: Exclude<GraphCaller, { kind: 'app' }>): GraphUser {
  return caller.kind === 'user'
    ? workforceUser(caller.user)
    : customerUser(caller.tenant, caller.user);
}

/** A user of the caller's tenant by object id or user principal name. */
function findUser(ctx: EmulatorContext, caller: GraphCaller, id: string): GraphUser | undefined {
  if (caller.kind === 'customer') {
    const { tenant } = caller;
    const byUpn = /^([0-9a-f-]{36})@(.+)$/i.exec(id);
    const user =
      tenant.user(id.toLowerCase()) ??
      (byUpn && byUpn[2].toLowerCase() === tenant.domain
        ? tenant.user(byUpn[1].toLowerCase())
        : undefined);
    return user ? customerUser(tenant, user) : undefined;
  }
  const user = ctx.directory.user(id);
  return user ? workforceUser(user) : undefined;
}

/** A workforce user as Graph's `user` (unset properties `null`, as Graph sends them). */
function workforceUser(user: SeedUser): GraphUser {
  return {
    businessPhones: user.businessPhones ?? [],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail ?? null,
    mobilePhone: user.mobilePhone ?? null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage ?? null,
    surname: user.surname ?? null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

/**
 * An External ID local account as Graph's `user`: its user principal name is
 * `{object id}@{tenant}.onmicrosoft.com` (customers sign in with their email, which is `mail`).
 */
function customerUser(tenant: CustomerTenant, user: SeedCustomerUser): GraphUser {
  return {
    businessPhones: user.businessPhones ?? [],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail ?? user.email,
    mobilePhone: user.mobilePhone ?? null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage ?? null,
    surname: user.surname ?? null,
    userPrincipalName: `${user.id}@${tenant.domain}`,
    id: user.id,
  };
}

/** The user as Graph answers it: `@odata.context`, then the default or `$select`ed properties. */
function userResource(req: Request, res: Response, user: GraphUser): Record<string, unknown> {
  const selected = selectedProperties(req.query.$select);
  const context = selected ? `users(${selected.join(',')})/$entity` : 'users/$entity';
  const properties = selected ?? PROPERTIES;
  return {
    '@odata.context': odataContext(res, context),
    ...Object.fromEntries(properties.map((p) => [p, user[p]])),
  };
}

/** `$select=displayName,mail` → the properties (Graph's spelling); a property it lacks → 400. */
function selectedProperties(select: unknown): Property[] | undefined {
  if (select === undefined) return undefined;
  if (typeof select !== 'string' || select.trim() === '') {
    throw badRequest('Invalid $select: expected a comma-separated list of property names.');
  }
  const names = select.split(',').map((name) => name.trim());
  return [
    ...new Set(
      names.map((name) => {
        const property = PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
        if (!property) {
          throw badRequest(
            `Could not find a property named '${name.slice(0, 100)}' on type 'microsoft.graph.user'.`,
          );
        }
        return property;
      }),
    ),
  ];
}
