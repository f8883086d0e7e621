import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { pairwiseSubject } from '../directory';
import type { SeedCustomerApp, SeedCustomerUser } from '../seed/schema';
import { TOKEN_LIFETIME_S, type TokenResponse } from '../tokens';
import type { CustomerTenant } from './tenant';

/** One B2C user flow or the CIAM tenant, as a request addressed it. */
export interface Realm {
  tenant: CustomerTenant;
  /** The B2C policy as seeded (e.g. `B2C_1_susi`); undefined for CIAM. */
  policy?: string;
  /** `{url}/{tenant}.onmicrosoft.com[/{policy}]` (policy lower-case, as B2C publishes it). */
  base: string;
  /** B2C: `{url}/{tenantId}/v2.0/` (trailing slash); CIAM: `{url}/{tenantId}/v2.0`. */
  issuer: string;
}

export function realmFor(ctx: EmulatorContext, tenant: CustomerTenant, policy?: string): Realm {
  const base = `${ctx.baseUrl}/${tenant.domain}${policy ? `/${policy.toLowerCase()}` : ''}`;
  const issuer =
    tenant.kind === 'b2c'
      ? `${ctx.baseUrl}/${tenant.id}/v2.0/`
      : `${ctx.baseUrl}/${tenant.id}/v2.0`;
  return { tenant, policy, base, issuer };
}

/** What a code or refresh token was issued for. */
export interface CustomerGrant {
  realm: Realm;
  user: SeedCustomerUser;
  client: SeedCustomerApp;
  scopes: string[];
  authTime: number;
  nonce?: string;
  newUser?: boolean;
}

/** Issues B2C- or CIAM-shaped tokens; refresh tokens are recorded by the caller. */
export function issueCustomerTokens(
  ctx: EmulatorContext,
  grant: CustomerGrant,
  refreshToken?: string,
): TokenResponse & Record<string, unknown> {
  const { realm, user, client } = grant;
  const { tenant } = realm;
  const iat = Math.floor(ctx.now() / 1000);
  const api = grant.scopes.map((s) => tenant.resolveScope(s)).find((x) => x !== undefined);
  const apiScopes = api
    ? grant.scopes.filter((s) => tenant.resolveScope(s)?.app.clientId === api.app.clientId)
    : [];
  const values = [...new Set(apiScopes.flatMap((s) => tenant.resolveScope(s)?.values ?? []))];
  // Granted permissions, then the `.default` asked for (as Entra answers; MSAL caches by them).
  const granted = [
    ...new Set(
      apiScopes.flatMap((s) =>
        s.toLowerCase().endsWith('/.default')
          ? [...values.map((v) => `${s.slice(0, s.lastIndexOf('/'))}/${v}`), s]
          : [s],
      ),
    ),
  ].sort((a, b) => Number(a.endsWith('/.default')) - Number(b.endsWith('/.default')));
  const b2c = tenant.kind === 'b2c';
  const times = { iat, nbf: iat, exp: iat + TOKEN_LIFETIME_S };
  const userClaims = b2c
    ? {
        oid: user.id,
        sub: user.id,
        name: user.displayName,
        emails: [user.email],
        tfp: realm.policy,
        acr: realm.policy?.toLowerCase(),
      }
    : {
        oid: user.id,
        sub: pairwiseSubject(user.id, client.clientId),
        name: user.displayName,
        preferred_username: user.email,
        email: user.email,
        tid: tenant.id,
      };
  const idToken = {
    ver: b2c ? '1.0' : '2.0',
    iss: realm.issuer,
    aud: client.clientId,
    ...times,
    auth_time: Math.floor(grant.authTime / 1000),
    ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    ...userClaims,
    ...(grant.newUser ? { newUser: true } : {}),
  };
  const access = {
    ver: b2c ? '1.0' : '2.0',
    iss: realm.issuer,
    aud: api ? api.app.clientId : client.clientId,
    ...times,
    ...userClaims,
    ...(api ? { scp: values.join(' ') } : {}),
    azp: client.clientId,
    uti: randomBytes(16).toString('base64url').slice(0, 22),
  };
  const uid = b2c ? `${user.id}-${realm.policy?.toLowerCase()}` : user.id;
  // B2C lists openid/offline_access with the API's scopes; External ID, like Entra, lists only
  // the API's permissions when a token is for an API.
  const oidc =
    b2c || !api ? grant.scopes.filter((s) => ['openid', 'offline_access'].includes(s)) : [];
  return {
    token_type: 'Bearer',
    scope: [...granted, ...oidc].join(' '),
    expires_in: TOKEN_LIFETIME_S - 1,
    ext_expires_in: TOKEN_LIFETIME_S - 1,
    access_token: ctx.keys.sign(access),
    id_token: ctx.keys.sign(idToken),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    client_info: Buffer.from(JSON.stringify({ uid, utid: tenant.id })).toString('base64url'),
    ...(b2c ? { not_before: iat, id_token_expires_in: TOKEN_LIFETIME_S } : {}),
  };
}
