import { createHash } from 'node:crypto';
import { authenticateClient } from '../client-auth';
import { aad } from '../errors/entra';
import { AadError } from '../errors/wire';
import { issueUserTokens } from '../tokens';
import { parseClaims } from './claims';
import { required, type GrantHandler } from './types';
import { checkUserGrant } from './user-checks';

/** `authorization_code`: single use, 10 minutes, bound to client, redirect URI and PKCE. */
export const authorizationCodeGrant: GrantHandler = async (ctx, req, body, tenant) => {
  const client = await authenticateClient(ctx, req, body, tenant, true);
  const code = required(body, 'code');
  const record = ctx.store.codes.get(code);
  if (!record)
    throw aad.malformed("The provided value for the input parameter 'code' is not valid.");
  if (record.redeemed || record.expiresAt <= ctx.now()) throw aad.expiredGrant();
  record.redeemed = true;
  if (record.clientId !== client.app.clientId) {
    throw new AadError(
      70000,
      'invalid_grant',
      'Provided grant is invalid or malformed: the code was issued to another client.',
    );
  }
  if (body.redirect_uri !== record.redirectUri) {
    throw new AadError(
      50011,
      'invalid_grant',
      `The redirect URI '${body.redirect_uri ?? ''}' specified in the request does not match the redirect URI used in the authorization request.`,
    );
  }
  if (record.codeChallenge !== undefined) {
    const verifier = body.code_verifier;
    if (!verifier)
      throw new AadError(
        50148,
        'invalid_grant',
        'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
      );
    const computed =
      record.codeChallengeMethod === 'plain'
        ? verifier
        : createHash('sha256').update(verifier).digest('base64url');
    if (computed !== record.codeChallenge) {
      throw new AadError(
        501481,
        'invalid_grant',
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
  }
  const user = ctx.directory.user(record.userId);
  if (!user) throw aad.expiredGrant();
  // The code may cover several resources (consented at authorize); the token is for the one the
  // redemption's `scope` names, or else the first one asked for.
  const authorized = ctx.directory.parseScopeSet(record.scope);
  const asked = body.scope ? ctx.directory.parseScopes(body.scope) : undefined;
  const request = asked && !asked.implicit ? asked : authorized[0];
  request.oidc = authorized[0].oidc;
  const { scopes, strength } = checkUserGrant(ctx, {
    user,
    client: client.app,
    request,
    strength: record.strength,
    claims: parseClaims(body.claims),
  });
  return issueUserTokens(ctx, {
    user,
    client: client.app,
    request,
    scopes,
    strength,
    capabilities: record.capabilities,
    authTime: record.authTime,
    azpacr: client.acr,
    nonce: record.nonce,
    sid: record.sid,
  });
};
