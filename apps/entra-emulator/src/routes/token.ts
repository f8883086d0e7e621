import { Router, type Request, type Response } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { grantName, type GrantName } from '../counters';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { AadError } from '../errors/wire';
import { authorizationCodeGrant } from '../grants/authorization-code';
import { clientCredentialsGrant } from '../grants/client-credentials';
import { onBehalfOfGrant } from '../grants/on-behalf-of';
import { passwordGrant } from '../grants/password';
import { refreshTokenGrant } from '../grants/refresh-token';
import type { GrantHandler } from '../grants/types';
import { applyFault, wrap } from '../http';
import type { TokenResponse } from '../tokens';
import { v1TokenRequest, v1TokenResponse } from '../v1';

const HANDLERS: Partial<Record<GrantName, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  on_behalf_of: onBehalfOfGrant,
};

const V2 = '/:tenant/oauth2/v2.0/token';
/** v1's token endpoint (what the v1 discovery document advertises): `resource`, v1 answers. */
const V1 = '/:tenant/oauth2/token';

/**
 * `POST /{tenant}/oauth2/v2.0/token` (and v1's `/oauth2/token`): every grant, Entra-shaped
 * errors, never a 500 for bad input.
 */
export function tokenRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const send = (res: Response, body: unknown) =>
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);

  router.post(
    V2,
    ...formBody(),
    wrap(async (req, res) => {
      send(res, await runGrant(ctx, req, req.body));
    }),
  );
  router.post(
    V1,
    ...formBody(),
    wrap(async (req, res) => {
      const tenant = String(req.params.tenant);
      if (!ctx.directory.knowsTenant(tenant)) throw aad.unknownTenant(tenant);
      const v1 = v1TokenRequest(ctx, req.body);
      send(res, v1TokenResponse(ctx, await runGrant(ctx, req, v1.body), v1.resource));
    }),
  );
  router.all([V2, V1], () => {
    throw aad.malformed('The token endpoint only accepts POST.');
  });
  router.use([V2, V1], errorHandler(ctx, 'oauth'));
  return router;
}

/** Counts the request, applies injected faults, runs the grant. */
async function runGrant(
  ctx: EmulatorContext,
  req: Request,
  body: Record<string, string | undefined>,
): Promise<TokenResponse> {
  const grant = grantName(body.grant_type, body.requested_token_use);
  ctx.counters.token.total += 1;
  ctx.counters.token[grant] += 1;
  await applyFault(ctx, 'token', grant);
  const tenant = String(req.params.tenant);
  if (!ctx.directory.knowsTenant(tenant)) throw aad.unknownTenant(tenant);
  if (!body.grant_type) throw aad.missingParameter('grant_type');
  const handler = HANDLERS[grant];
  if (!handler) {
    if (body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      throw aad.missingParameter('requested_token_use');
    }
    throw new AadError(
      70003,
      'unsupported_grant_type',
      `The app requested an unsupported grant type '${body.grant_type}'.`,
    );
  }
  return handler(ctx, req, body, tenant);
}
