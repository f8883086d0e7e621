import { Router, type Request, type Response } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { grantName, type GrantName } from '../counters';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { authorizationCodeGrant } from '../grants/authorization-code';
import { clientCredentialsGrant } from '../grants/client-credentials';
import { onBehalfOfGrant } from '../grants/on-behalf-of';
import { passwordGrant } from '../grants/password';
import { refreshTokenGrant } from '../grants/refresh-token';
import type { Grant } from '../grants/types';
import { applyFault, wrap } from '../http';
import { addressed, realmOf } from '../tenants/registry';
import type { Realm } from '../tenants/tenant';
import type { TokenResponse } from '../tokens';
import { v1TokenRequest, v1TokenResponse } from '../v1';

const GRANTS: Record<Exclude<GrantName, 'other'>, Grant> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  on_behalf_of: onBehalfOfGrant,
};
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The v2 token endpoint of a tenant (`/{tenant}/…`) and of a B2C user flow (`/{tenant}/{policy}/…`). */
const V2 = ['/:tenant/oauth2/v2.0/token', '/:tenant/:policy/oauth2/v2.0/token'];
/** v1's token endpoint (what the v1 discovery document advertises): `resource`, v1 answers. */
const V1 = '/:tenant/oauth2/token';

/**
 * The token endpoint of every tenant: each grant the addressed tenant serves, its errors in its
 * dialect, never a 500 for bad input. Every request is counted and may meet an injected fault.
 */
export function tokenRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const send = (res: Response, body: unknown) =>
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
  router.post(
    V2,
    addressed(ctx),
    ...formBody(),
    wrap(async (req, res) => {
      send(res, await runGrant(ctx, req, res, req.body));
    }),
  );
  router.post(
    V1,
    addressed(ctx),
    ...formBody(),
    wrap(async (req, res) => {
      const { tenant, base } = knownRealm(req, res);
      if (!tenant.v1) throw tenant.errors.v1NotServed('token', base);
      const v1 = v1TokenRequest(ctx, req.body);
      send(res, v1TokenResponse(ctx, await runGrant(ctx, req, res, v1.body), v1.resource));
    }),
  );
  router.all([...V2, V1], addressed(ctx), () => {
    throw aad.malformed('The token endpoint only accepts POST.');
  });
  router.use([...V2, V1], errorHandler(ctx, 'oauth'));
  return router;
}

function knownRealm(req: Request, res: Response): Realm {
  const realm = realmOf(res);
  if (!realm) throw aad.unknownTenant(String(req.params.tenant));
  return realm;
}

/** Counts the request, applies injected faults, runs the grant if the tenant serves it. */
async function runGrant(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  body: Record<string, string | undefined>,
): Promise<TokenResponse> {
  const grant = grantName(body.grant_type, body.requested_token_use);
  ctx.counters.token.total += 1;
  ctx.counters.token[grant] += 1;
  await applyFault(ctx, 'token', { grantType: grant });
  const realm = knownRealm(req, res);
  const { errors, grants } = realm.tenant;
  if (!body.grant_type) throw errors.missingGrantType();
  if (grant === 'other' || !grants.has(grant)) {
    if (body.grant_type === JWT_BEARER && grants.has('on_behalf_of')) {
      throw errors.missingParameter('requested_token_use');
    }
    throw errors.unsupportedGrant(body.grant_type);
  }
  return GRANTS[grant]({ ctx, realm, req, body });
}
