import { createHash } from 'node:crypto';
import { safeEqual } from '../safe-equal';
import type { CodeRecord } from '../tenants/grant-store';
import { authenticateClient } from './client-auth';
import { required, type Grant, type GrantRequest } from './types';

/**
 * `authorization_code`: single use, 10 minutes, bound to the client, the redirect URI and the
 * PKCE challenge of the authorize request; the tenant issues the tokens.
 */
export const authorizationCodeGrant: Grant = async (g) => {
  const client = await authenticateClient(g, { allowPublic: true });
  return g.realm.tenant.tokensForCode(g, client, redeemCode(g, client.app.clientId));
};

function redeemCode(g: GrantRequest, clientId: string): CodeRecord<unknown> {
  const { errors, store } = g.realm.tenant;
  const record = store.codes.get(required(g, 'code'));
  if (!record) throw errors.invalidCode();
  if (record.redeemed || record.expiresAt <= g.ctx.now()) throw errors.expiredGrant();
  record.redeemed = true;
  if (record.clientId !== clientId) throw errors.grantOfAnotherClient('code');
  if (g.body.redirect_uri !== record.redirectUri) {
    throw errors.redirectMismatch(g.body.redirect_uri ?? '');
  }
  if (record.codeChallenge !== undefined) {
    const verifier = g.body.code_verifier;
    if (!verifier) throw errors.pkceMissing();
    const computed =
      record.codeChallengeMethod === 'plain'
        ? verifier
        : createHash('sha256').update(verifier).digest('base64url');
    if (!safeEqual(computed, record.codeChallenge)) throw errors.pkceMismatch();
  }
  return record;
}
