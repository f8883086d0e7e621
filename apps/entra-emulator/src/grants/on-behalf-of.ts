import { authenticateClient } from '../client-auth';
import { v1Issuer, v2Issuer, type EmulatorContext } from '../context';
import { AadError } from '../errors/wire';
import { decodeJwt, verifyRs256, type DecodedJwt } from '../jwt';
import type { SeedApp } from '../seed/schema';
import { issueUserTokens } from '../tokens';
import { parseClaims } from './claims';
import { required, type GrantHandler } from './types';
import { checkUserGrant } from './user-checks';

/** Clock skew allowed on the assertion's `exp`/`nbf`, in seconds (Entra allows 5 minutes). */
const SKEW_S = 300;

/**
 * On-Behalf-Of (`jwt-bearer` + `requested_token_use=on_behalf_of`): the middle tier presents
 * the user's access token it received; the emulator verifies it and issues a token for the
 * downstream resource, subject to consent and Conditional Access.
 */
export const onBehalfOfGrant: GrantHandler = async (ctx, req, body, tenant) => {
  const client = await authenticateClient(ctx, req, body, tenant);
  const jwt = decodeJwt(required(body, 'assertion'));
  if (!jwt) throw new AadError(50027, 'invalid_request', 'JWT token is invalid or malformed.');
  const claims = verifyAssertion(ctx, jwt, client.app);
  const user = ctx.directory.user(claims.oid);
  if (!user) {
    throw new AadError(
      50034,
      'invalid_grant',
      `The user account ${String(claims.oid)} does not exist in the ${ctx.seed.tenant.id} directory.`,
    );
  }
  const request = ctx.directory.parseScopes(required(body, 'scope'));
  const requested = parseClaims(body.claims);
  const amr = Array.isArray(claims.amr)
    ? claims.amr.filter((v): v is string => typeof v === 'string')
    : ['pwd'];
  const acrs = Array.isArray(claims.acrs)
    ? claims.acrs.filter((v): v is string => typeof v === 'string')
    : [];
  const { scopes, strength } = checkUserGrant(ctx, {
    user,
    client: client.app,
    request,
    strength: { amr, acrs },
    claims: requested,
  });
  return issueUserTokens(ctx, {
    user,
    client: client.app,
    request,
    scopes,
    strength,
    capabilities: requested.capabilities,
    authTime: typeof claims.iat === 'number' ? claims.iat * 1000 : ctx.now(),
    azpacr: client.acr,
    sid: typeof claims.sid === 'string' ? claims.sid : undefined,
  });
};

function verifyAssertion(
  ctx: EmulatorContext,
  jwt: DecodedJwt,
  client: SeedApp,
): Record<string, unknown> {
  const key = ctx.keys.find(jwt.header.kid);
  if (!key || !verifyRs256(jwt, key.publicKey)) {
    throw new AadError(
      50013,
      'invalid_grant',
      `Assertion failed signature validation. [Reason - ${key ? 'The signature is invalid.' : 'The key was not found.'}, Thumbprint of key used by client: '${String(jwt.header.kid ?? '')}']`,
    );
  }
  const claims = jwt.payload;
  if (claims.iss !== v2Issuer(ctx) && claims.iss !== v1Issuer(ctx)) {
    throw new AadError(
      50013,
      'invalid_grant',
      `Assertion contains an invalid issuer '${String(claims.iss)}'.`,
    );
  }
  const now = Math.floor(ctx.now() / 1000);
  if (
    typeof claims.exp !== 'number' ||
    claims.exp + SKEW_S < now ||
    (typeof claims.nbf === 'number' && claims.nbf - SKEW_S > now)
  ) {
    const expiry =
      typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'none';
    throw new AadError(
      500133,
      'invalid_grant',
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${new Date(ctx.now()).toISOString()}, expiry time of assertion ${expiry}.`,
    );
  }
  const audiences = [client.clientId, ...client.identifierUris].map((a) => a.toLowerCase());
  if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud.toLowerCase())) {
    throw new AadError(
      50013,
      'invalid_grant',
      `Assertion failed signature validation. [Reason - Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${String(claims.aud)}' and the expected audience is '${client.clientId}' or one of the Application Id URIs of this application.]`,
    );
  }
  if (claims.tid !== ctx.seed.tenant.id) {
    throw new AadError(50013, 'invalid_grant', 'Assertion was issued for another tenant.');
  }
  if (claims.idtyp === 'app' || typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
    throw new AadError(
      50013,
      'invalid_grant',
      'Assertion is an application-only token. On-Behalf-Of requires a delegated token issued to a user.',
    );
  }
  return claims;
}
