import { randomUUID } from 'node:crypto';
import { authenticateClient } from '../client-auth';
import { aad } from '../errors/entra';
import { issueUserTokens } from '../tokens';
import { parseClaims } from './claims';
import { required, type GrantHandler } from './types';
import { checkUserGrant } from './user-checks';

/** `password` (ROPC), for scripted tests: username + password, then consent and MFA checks. */
export const passwordGrant: GrantHandler = async (ctx, req, body, tenant) => {
  const client = await authenticateClient(ctx, req, body, tenant, true);
  const username = required(body, 'username');
  const password = required(body, 'password');
  const user = ctx.directory.user(username);
  if (!user || user.password !== password) throw aad.badPassword();
  const request = ctx.directory.parseScopes(body.scope ?? 'openid profile offline_access');
  const claims = parseClaims(body.claims);
  const { scopes, strength } = checkUserGrant(ctx, {
    user,
    client: client.app,
    request,
    strength: { amr: ['pwd'], acrs: [] },
    claims,
  });
  return issueUserTokens(ctx, {
    user,
    client: client.app,
    request,
    scopes,
    strength,
    capabilities: claims.capabilities,
    authTime: ctx.now(),
    azpacr: client.acr,
    sid: randomUUID(),
  });
};
