import { AadError } from '../errors/wire';
import type { SeedApp } from '../seed/schema';
import { issueAppToken } from '../tokens';
import { authenticateClient } from './client-auth';
import { required, type Grant } from './types';

/**
 * `client_credentials`: one `{resource}/.default` scope; `roles` = the app's application
 * permissions. The workforce tenant only.
 */
export const clientCredentialsGrant: Grant = async (g) => {
  const { ctx } = g;
  const client = await authenticateClient<SeedApp>(g);
  const scope = required(g, 'scope').trim();
  if (/\s/.test(scope) || !scope.endsWith('/.default')) {
    throw new AadError(
      1002012,
      'invalid_scope',
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const request = ctx.directory.parseScopes(scope);
  return issueAppToken(
    ctx,
    client.app,
    request,
    ctx.directory.appRoles(client.app, request.resource),
    client.acr,
    g.realm.issuer,
  );
};
