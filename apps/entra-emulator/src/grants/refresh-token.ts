import type { RefreshRecord } from '../tenants/grant-store';
import { authenticateClient } from './client-auth';
import { required, type Grant, type GrantRequest } from './types';

/**
 * `refresh_token`: bound to its client; the tenant issues the tokens (and a new refresh token).
 * Where the tenant spends refresh tokens on use, replaying a redeemed one revokes its family.
 */
export const refreshTokenGrant: Grant = async (g) => {
  const client = await authenticateClient(g, { allowPublic: true });
  const record = findRefreshToken(g, client.app.clientId);
  const tokens = g.realm.tenant.tokensForRefresh(g, client, record);
  if (g.realm.tenant.singleUseRefreshTokens) record.redeemed = true;
  return tokens;
};

function findRefreshToken(g: GrantRequest, clientId: string): RefreshRecord<unknown> {
  const { errors, store } = g.realm.tenant;
  const record = store.refreshTokens.get(required(g, 'refresh_token'));
  if (!record) throw errors.invalidRefreshToken();
  if (record.redeemed) store.revokedFamilies.add(record.familyId);
  if (
    record.redeemed ||
    store.revokedFamilies.has(record.familyId) ||
    record.expiresAt <= g.ctx.now()
  ) {
    throw errors.expiredGrant();
  }
  if (record.clientId !== clientId) throw errors.grantOfAnotherClient('refresh token');
  return record;
}
