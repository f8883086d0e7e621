import type { RequestHandler, Response } from 'express';
import type { EmulatorContext } from '../../context';
import { GRAPH_APP_ID } from '../../directory';
import { insufficientPrivileges } from '../../errors/graph';
import { GraphError } from '../../errors/wire';
import { wrap } from '../../http';
import { resourceTokenValidator } from '../../resource-validator';
import { APP_ADMIN_ROLES, type SeedApp, type SeedUser } from '../../seed/schema';

/** Audiences of the Graph tokens the emulator's Graph accepts. */
export const GRAPH_AUDIENCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  GRAPH_APP_ID,
];

/** Who is calling Graph: a user (delegated token) or an app holding Application.ReadWrite.All. */
export type GraphCaller = { kind: 'app' } | { kind: 'user'; user: SeedUser };

/**
 * Authentication: a Graph access token from this emulator (`aud` https://graph.microsoft.com).
 * Delegated tokens of any tenant user are accepted (Entra's default "users can register
 * applications"); app-only tokens need the `Application.ReadWrite.All` role. The caller is kept
 * for the handlers ({@link callerOf}); a refused token reaches the error handler, which answers
 * it as Graph does.
 */
export function authenticateCaller(ctx: EmulatorContext): RequestHandler {
  const validator = resourceTokenValidator(ctx, {
    audiences: GRAPH_AUDIENCES,
    issuers: ctx.tenants.workforce.assertionIssuers(),
    allowedTenants: [ctx.seed.tenant.id],
  });
  return wrap(async (req, res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    if (!match) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
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
  });
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
  if (caller.kind === 'app') return true;
  const { user } = caller;
  if (user.directoryRoles.some((role) => (APP_ADMIN_ROLES as readonly string[]).includes(role)))
    return true;
  return app.owners.some((owner) => ctx.directory.user(owner)?.id === user.id);
}

export function assertMayManage(ctx: EmulatorContext, res: Response, app: SeedApp): void {
  if (!mayManage(ctx, callerOf(res), app)) throw insufficientPrivileges();
}
