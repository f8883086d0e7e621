import { authenticateClient } from '../client-auth';
import { aad } from '../errors/entra';
import { AadError } from '../errors/wire';
import { issueUserTokens } from '../tokens';
import { parseClaims } from './claims';
import { required, type GrantHandler } from './types';
import { checkUserGrant } from './user-checks';

/** `refresh_token`: rotated on every use; replaying a redeemed token revokes its whole family. */
export const refreshTokenGrant: GrantHandler = async (ctx, req, body, tenant) => {
  const client = await authenticateClient(ctx, req, body, tenant, true);
  const token = required(body, 'refresh_token');
  const record = ctx.store.refreshTokens.get(token);
  if (!record)
    throw aad.malformed("The provided value for the input parameter 'refresh_token' is not valid.");
  if (record.redeemed) ctx.store.revokedFamilies.add(record.familyId);
  if (
    record.redeemed ||
    ctx.store.revokedFamilies.has(record.familyId) ||
    record.expiresAt <= ctx.now()
  ) {
    throw aad.expiredGrant();
  }
  if (record.clientId !== client.app.clientId) {
    throw new AadError(
      70000,
      'invalid_grant',
      'Provided grant is invalid or malformed: the refresh token was issued to another client.',
    );
  }
  const user = ctx.directory.user(record.userId);
  if (!user) throw aad.expiredGrant();
  const request = ctx.directory.parseScopes(body.scope ?? 'openid profile offline_access');
  if (!request.oidc.includes('offline_access')) request.oidc.push('offline_access');
  const claims = parseClaims(body.claims);
  const { scopes, strength } = checkUserGrant(ctx, {
    user,
    client: client.app,
    request,
    strength: record.strength,
    claims,
  });
  record.redeemed = true;
  return issueUserTokens(ctx, {
    user,
    client: client.app,
    request,
    scopes,
    strength,
    capabilities: claims.capabilities.length > 0 ? claims.capabilities : record.capabilities,
    authTime: record.authTime,
    azpacr: client.acr,
    sid: record.sid,
    refreshFamily: record.familyId,
  });
};
