import { randomUUID } from 'node:crypto';
import { aad } from '../errors/entra';
import { safeEqual } from '../safe-equal';
import type { SeedApp } from '../seed/schema';
import { issueUserTokens } from '../tokens';
import { parseClaims } from './claims';
import { authenticateClient } from './client-auth';
import { required, type Grant } from './types';
import { checkUserAccess } from './user-access';
import { checkUserGrant } from './user-checks';

/**
 * `password` (ROPC), for scripted tests: username + password, then consent and MFA checks.
 * The workforce tenant only.
 */
export const passwordGrant: Grant = async (g) => {
  const { ctx, body } = g;
  const client = await authenticateClient<SeedApp>(g, { allowPublic: true });
  const username = required(g, 'username');
  const password = required(g, 'password');
  const user = ctx.directory.user(username);
  if (!user || !safeEqual(user.password, password)) throw aad.badPassword();
  const request = ctx.directory.parseScopes(body.scope ?? 'openid profile offline_access');
  const claims = parseClaims(body.claims);
  const authTime = ctx.now();
  checkUserAccess(ctx, user, { at: authTime, kind: 'grant' }, claims);
  const { scopes, strength } = checkUserGrant(ctx, {
    user,
    client: client.app,
    request,
    strength: { amr: ['pwd'], acrs: [] },
    claims,
  });
  ctx.criticalEvents.signedIn(user.id, authTime);
  return issueUserTokens(ctx, {
    user,
    client: client.app,
    request,
    scopes,
    strength,
    capabilities: claims.capabilities,
    authTime,
    azpacr: client.acr,
    issuer: g.realm.issuer,
    sid: randomUUID(),
  });
};
