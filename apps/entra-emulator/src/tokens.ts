import { randomBytes } from 'node:crypto';
import { v1Issuer, type EmulatorContext } from './context';
import { GRAPH_APP_ID, pairwiseSubject, type ScopeRequest } from './directory';
import { ARM_APP_ID } from './resources';
import type { SeedApp, SeedUser } from './seed/schema';
import type { AuthStrength } from './store';
import type { ClientAcr } from './tenants/tenant';

/** Access and ID token lifetime in seconds (Entra's default is 60–90 minutes). */
export const TOKEN_LIFETIME_S = 3600;
/**
 * Default lifetime of a CAE token — an ARM token for a client that declared `cp1` — in seconds:
 * 24 hours (Entra issues them for 20 to 28 hours, since the resource can revoke them).
 */
export const CAE_TOKEN_LIFETIME_S = 24 * 3600;

/** The token endpoint's success body. */
export interface TokenResponse {
  token_type: 'Bearer';
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

/** A delegated (user) token request that has passed every check. */
export interface UserGrant {
  user: SeedUser;
  client: SeedApp;
  request: ScopeRequest;
  /** Permission values granted on `request.resource`. */
  scopes: string[];
  strength: AuthStrength;
  capabilities: string[];
  authTime: number;
  azpacr: ClientAcr;
  /** The v2 issuer of the tenant as the request addressed it (`realm.issuer`). */
  issuer: string;
  nonce?: string;
  sid?: string;
  /** Keeps a rotated refresh token in its family. */
  refreshFamily?: string;
}

/** A token's `uti`: its unique id. */
export const uti = () => randomBytes(16).toString('base64url').slice(0, 22);

/**
 * A token's times, in epoch seconds: issued and valid from `iat`, for `seconds` (default
 * {@link TOKEN_LIFETIME_S}).
 */
export const lifetime = (iat: number, seconds = TOKEN_LIFETIME_S) => ({
  iat,
  nbf: iat,
  exp: iat + seconds,
});

/**
 * The start of every token response: `Bearer` (MSAL caches nothing else), the scope granted,
 * and lifetimes one second under the token's (a missing `expires_in` means expired to MSAL).
 */
export function tokenResponse(
  scope: string | undefined,
  accessToken: string,
  seconds = TOKEN_LIFETIME_S,
): TokenResponse {
  return {
    token_type: 'Bearer',
    ...(scope !== undefined ? { scope } : {}),
    expires_in: seconds - 1,
    ext_expires_in: seconds - 1,
    access_token: accessToken,
  };
}

/**
 * Entra's opaque internal claims (`aio`, `rh`): meaningless to everyone else. As Entra records
 * data for its own use in `aio`, the emulator records there when, to the millisecond, it issued
 * the token (`iat` has whole seconds), so its ARM tells a token issued just before a critical
 * event from one issued just after it: six bytes of epoch milliseconds, then 18 random bytes.
 */
const opaque = (issuedMs: number) => {
  const aio = randomBytes(24);
  aio.writeUIntBE(issuedMs, 0, 6);
  return {
    aio: aio.toString('base64'),
    rh: `0.${randomBytes(30).toString('base64url')}.`,
  };
};

/**
 * When the emulator issued a token, in epoch ms: from its `aio` when that agrees with `iat`,
 * else the start of the `iat` second (minted or foreign tokens); undefined without `iat`.
 */
export function issuedAtMs(claims: Record<string, unknown>): number | undefined {
  if (typeof claims.iat !== 'number') return undefined;
  const second = claims.iat * 1000;
  if (typeof claims.aio !== 'string') return second;
  const bytes = Buffer.from(claims.aio, 'base64');
  if (bytes.length !== 24) return second;
  const ms = bytes.readUIntBE(0, 6);
  return ms >= second && ms < second + 1000 ? ms : second;
}

/** True when a token's or request's capabilities declare `cp1` (clients write `cp1` or `CP1`). */
export const declaresCp1 = (capabilities: unknown): boolean =>
  Array.isArray(capabilities) &&
  capabilities.some((c) => typeof c === 'string' && c.toLowerCase() === 'cp1');

const seconds = (ms: number) => Math.floor(ms / 1000);

/** `client_info`: MSAL keys accounts by it (`uid.utid`), so every user grant returns it. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}

/** Issues access (+ ID, + refresh) tokens for a user grant. */
export function issueUserTokens(ctx: EmulatorContext, grant: UserGrant): TokenResponse {
  const { user, client, request } = grant;
  const issued = ctx.now();
  // A CAE-enabled resource (ARM) revokes its tokens itself: a client that can handle its
  // challenges (`cp1`) gets a long-lived one.
  const accessLifetime =
    request.resource.clientId === ARM_APP_ID && declaresCp1(grant.capabilities)
      ? ctx.caeTokenLifetimeSeconds
      : TOKEN_LIFETIME_S;
  const access = ctx.keys.sign(userAccessClaims(ctx, grant, issued, accessLifetime));
  // Entra lists the granted permissions, then the `.default` that was asked for (as it answers
  // `az`: "https://management.core.windows.net//user_impersonation …//.default"); MSAL caches the
  // token under these scopes, so without `.default` every later `.default` lookup would miss.
  // The OIDC scopes are Microsoft Graph permissions: listed (first, without offline_access) only
  // for a Graph token ("profile openid email https://graph.microsoft.com/User.Read").
  const scope = [
    ...(request.resource.clientId === GRAPH_APP_ID
      ? request.oidc.filter((s) => s !== 'offline_access')
      : []),
    ...grant.scopes.map((s) => `${request.prefix}/${s}`),
    ...(request.isDefault ? [`${request.prefix}/.default`] : []),
  ];
  const response: TokenResponse = {
    ...tokenResponse(scope.join(' '), access, accessLifetime),
    client_info: clientInfo(user.id, ctx.seed.tenant.id),
  };
  if (request.oidc.includes('offline_access')) {
    response.refresh_token = ctx.tenants.workforce.store.createRefreshToken(
      client.clientId,
      {
        userId: user.id,
        strength: grant.strength,
        capabilities: grant.capabilities,
        sid: grant.sid,
        authTime: grant.authTime,
      },
      grant.refreshFamily,
    );
  }
  if (request.oidc.includes('openid')) {
    response.id_token = ctx.keys.sign(idTokenClaims(ctx, grant, issued));
  }
  return response;
}

function userAccessClaims(
  ctx: EmulatorContext,
  grant: UserGrant,
  issued: number,
  lifetimeSeconds: number,
): Record<string, unknown> {
  const { user, client, request, strength } = grant;
  const tid = ctx.seed.tenant.id;
  const common = {
    ...lifetime(seconds(issued), lifetimeSeconds),
    ...opaque(issued),
    amr: strength.amr,
    ...(strength.acrs.length > 0 ? { acrs: strength.acrs } : {}),
    name: user.displayName,
    oid: user.id,
    scp: grant.scopes.join(' '),
    ...(grant.sid ? { sid: grant.sid } : {}),
    sub: pairwiseSubject(user.id, client.clientId),
    tid,
    uti: uti(),
    ...(grant.capabilities.length > 0 ? { xms_cc: grant.capabilities } : {}),
  };
  if (request.resource.requestedAccessTokenVersion === 2) {
    return {
      aud: request.resource.clientId,
      iss: grant.issuer,
      ...common,
      azp: client.clientId,
      azpacr: grant.azpacr,
      preferred_username: user.userPrincipalName,
      ver: '2.0',
    };
  }
  return {
    aud: v1Audience(request),
    iss: v1Issuer(ctx),
    ...common,
    acr: '1',
    appid: client.clientId,
    appidacr: grant.azpacr,
    ...(user.givenName ? { given_name: user.givenName } : {}),
    ...(user.surname ? { family_name: user.surname } : {}),
    unique_name: user.userPrincipalName,
    upn: user.userPrincipalName,
    ver: '1.0',
  };
}

function idTokenClaims(
  ctx: EmulatorContext,
  grant: UserGrant,
  issued: number,
): Record<string, unknown> {
  const { user, client } = grant;
  return {
    aud: client.clientId,
    iss: grant.issuer,
    ...lifetime(seconds(issued)),
    ...opaque(issued),
    auth_time: Math.floor(grant.authTime / 1000),
    ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    ...(grant.request.oidc.includes('email') ? { email: user.userPrincipalName } : {}),
    ...(grant.sid ? { sid: grant.sid } : {}),
    sub: pairwiseSubject(user.id, client.clientId),
    tid: ctx.seed.tenant.id,
    uti: uti(),
    ver: '2.0',
  };
}

/** v1 tokens carry the identifier the client asked for (ARM: `https://management.azure.com/`). */
function v1Audience(request: ScopeRequest): string {
  if (request.identifier.toLowerCase() === request.resource.clientId.toLowerCase()) {
    return request.resource.identifierUris[0] ?? request.resource.clientId;
  }
  return request.identifier;
}

/** Issues an app-only access token (client credentials); `issuer` is the realm's v2 issuer. */
export function issueAppToken(
  ctx: EmulatorContext,
  client: SeedApp,
  request: ScopeRequest,
  roles: string[],
  azpacr: ClientAcr,
  issuer: string,
): TokenResponse {
  const issued = ctx.now();
  const oid = ctx.directory.servicePrincipalId(client);
  const common = {
    ...lifetime(seconds(issued)),
    ...opaque(issued),
    idtyp: 'app',
    oid,
    ...(roles.length > 0 ? { roles } : {}),
    sub: oid,
    tid: ctx.seed.tenant.id,
    uti: uti(),
  };
  const claims =
    request.resource.requestedAccessTokenVersion === 2
      ? {
          aud: request.resource.clientId,
          iss: issuer,
          ...common,
          azp: client.clientId,
          azpacr,
          ver: '2.0',
        }
      : {
          aud: v1Audience(request),
          iss: v1Issuer(ctx),
          ...common,
          appid: client.clientId,
          appidacr: azpacr,
          ver: '1.0',
        };
  return tokenResponse(undefined, ctx.keys.sign(claims));
}
