import type { RequestHandler, Response } from 'express';
import { stsIssuer, type EmulatorContext } from '../../context';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../../directory';
import {
  graphChallengeAuthority,
  graphUnauthenticated,
  insufficientPrivileges,
} from '../../errors/graph';
import { wrap } from '../../http';
import { resourceTokenValidator } from '../../resource-validator';
import {
  APP_ADMIN_ROLES,
  type SeedApp,
  type SeedCustomerUser,
  type SeedUser,
} from '../../seed/schema';
import { siteOf } from '../../sites/site';
import type { CustomerTenant } from '../../tenants/customer/tenant';

/** Audiences of the Graph tokens the emulator's Graph accepts. */
export const GRAPH_AUDIENCES = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];

/**
 * Who is calling Graph: a user of the workforce tenant or of the External ID tenant (delegated
 * token, with its `scp` permissions), or an app (app-only token, with its `roles`).
 */
export type GraphCaller =
  | { kind: 'app'; roles: readonly string[] }
  | { kind: 'user'; user: SeedUser; scopes: readonly string[] }
  | {
      kind: 'customer';
      tenant: CustomerTenant;
      user: SeedCustomerUser;
      scopes: readonly string[];
    };

/**
 * Authentication: a Graph access token this emulator issued (`aud` https://graph.microsoft.com
 * or Graph's app id), in its workforce tenant or its External ID tenant (B2C user-flow tokens are
 * not Graph tokens: Graph refuses them). A token whose user no longer exists is refused. The
 * caller is kept for the handlers ({@link callerOf}), which check permissions; a refused token
 * reaches the error handler, which answers it as Graph does.
 */
export function authenticateCaller(ctx: EmulatorContext): RequestHandler {
  const ciam = ctx.tenants.customers.filter((t) => t.kind === 'ciam');
  // Each tenant's own issuers (under every name the emulator answers as): a token naming one
  // tenant in `tid` and another in `iss` is refused.
  const issuersOf = new Map<string, string[]>([
    [ctx.seed.tenant.id.toLowerCase(), ctx.tenants.workforce.assertionIssuers()],
    ...ciam.map((t) => [t.id, [stsIssuer(t.id), ...t.assertionIssuers()]] as [string, string[]]),
  ]);
  const validator = resourceTokenValidator(ctx, {
    audiences: GRAPH_AUDIENCES,
    issuers: [...issuersOf.values()].flat(),
    allowedTenants: [...issuersOf.keys()],
  });
  return wrap(async (req, res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    const authority = graphChallengeAuthority(siteOf(res));
    if (!match) throw graphUnauthenticated(authority, 'Access token is empty.');
    const token = await validator.validate(match[1]);
    const tenantId = (token.tenantId ?? '').toLowerCase();
    if (!issuersOf.get(tenantId)?.includes(String(token.claims.iss))) {
      throw graphUnauthenticated(authority, 'Access token validation failure: ERR_TOKEN_ISSUER.');
    }
    const customer = ciam.find((t) => t.id === tenantId);
    if (token.kind === 'app') {
      setCaller(res, { kind: 'app', roles: token.roles });
    } else if (customer) {
      const user = customer.user(token.objectId);
      if (!user) throw insufficientPrivileges();
      setCaller(res, { kind: 'customer', tenant: customer, user, scopes: token.scopes });
    } else {
      const user = ctx.directory.user(token.objectId);
      if (!user) throw insufficientPrivileges();
      setCaller(res, { kind: 'user', user, scopes: token.scopes });
    }
    next();
  });
}

/**
 * App registration is the workforce directory's: its users may read and create registrations,
 * apps need `Application.ReadWrite.All`, and External ID users get 403 (their tenant's apps are
 * not the emulator's directory).
 */
export function registrationCaller(): RequestHandler {
  return (_req, res, next) => {
    const caller = callerOf(res);
    const allowed =
      caller.kind === 'user' ||
      (caller.kind === 'app' && caller.roles.includes('Application.ReadWrite.All'));
    next(allowed ? undefined : insufficientPrivileges());
  };
}

function setCaller(res: Response, caller: GraphCaller): void {
  (res.locals as { graphCaller?: GraphCaller }).graphCaller = caller;
}

/** The caller {@link authenticateCaller} let in. */
export function callerOf(res: Response): GraphCaller {
  const caller = (res.locals as { graphCaller?: GraphCaller }).graphCaller;
  if (!caller) throw insufficientPrivileges();
  return caller;
}

/**
 * Entra's rule for changing an app registration (properties, credentials, owners, its service
 * principal): an owner of the app, a user in an application-administrator role, or an app
 * with `Application.ReadWrite.All`. Anyone may read and create registrations (the creator
 * becomes the owner). Everyone else: 403 `Authorization_RequestDenied`, and nothing changes.
 */
export function mayManage(ctx: EmulatorContext, caller: GraphCaller, app: SeedApp): boolean {
  if (caller.kind !== 'user') return caller.kind === 'app';
  const { user } = caller;
  if (user.directoryRoles.some((role) => (APP_ADMIN_ROLES as readonly string[]).includes(role)))
    return true;
  return app.owners.some((owner) => ctx.directory.user(owner)?.id === user.id);
}

export function assertMayManage(ctx: EmulatorContext, res: Response, app: SeedApp): void {
  if (!mayManage(ctx, callerOf(res), app)) throw insufficientPrivileges();
}
