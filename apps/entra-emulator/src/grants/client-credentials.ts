import { authenticateClient } from '../client-auth';
import { AadError } from '../errors/wire';
import { issueAppToken } from '../tokens';
import { required, type GrantHandler } from './types';

/** `client_credentials`: one `{resource}/.default` scope; `roles` = the app's application permissions. */
export const clientCredentialsGrant: GrantHandler = async (ctx, req, body, tenant) => {
  const client = await authenticateClient(ctx, req, body, tenant);
  const scope = required(body, 'scope').trim();
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
  );
};
