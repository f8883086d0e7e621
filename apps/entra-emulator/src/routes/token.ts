import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { grantName, type GrantName } from '../counters';
import { aad, AadError } from '../errors';
import { authorizationCodeGrant } from '../grants/authorization-code';
import { clientCredentialsGrant } from '../grants/client-credentials';
import { onBehalfOfGrant } from '../grants/on-behalf-of';
import { passwordGrant } from '../grants/password';
import { refreshTokenGrant } from '../grants/refresh-token';
import type { GrantHandler } from '../grants/types';
import { bodyParserError, formBody } from '../body';
import { applyFault, sendAadError, wrap } from '../http';

const HANDLERS: Partial<Record<GrantName, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  on_behalf_of: onBehalfOfGrant,
};

/** `POST /{tenant}/oauth2/v2.0/token`: every grant, Entra-shaped errors, never a 500 for bad input. */
export function tokenRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  router.post(
    '/:tenant/oauth2/v2.0/token',
    ...formBody(),
    wrap(async (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      const grant = grantName(body.grant_type, body.requested_token_use);
      ctx.counters.token.total += 1;
      ctx.counters.token[grant] += 1;
      if (await applyFault(ctx, req, res, 'token', grant)) return;
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
      const response = await handler(ctx, req, body, tenant);
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(response);
    }),
  );
  router.all('/:tenant/oauth2/v2.0/token', (req, res) =>
    sendAadError(ctx, req, res, aad.malformed('The token endpoint only accepts POST.')),
  );
  router.use('/:tenant/oauth2/v2.0/token', ((err, req, res, next) => {
    const aadErr = err instanceof AadError ? err : bodyParserError(err);
    if (!aadErr) return next(err);
    if (aadErr.status >= 400 && ctx.logger) {
      ctx.logger.debug({ aadsts: aadErr.aadsts }, 'token request refused');
    }
    return sendAadError(ctx, req, res, aadErr);
  }) as import('express').ErrorRequestHandler);
  return router;
}
