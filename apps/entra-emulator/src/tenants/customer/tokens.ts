import { stsIssuer, type EmulatorContext } from '../../context';
import { GRAPH_RESOURCE, pairwiseSubject } from '../../directory';
import type { SeedCustomerApp, SeedCustomerUser } from '../../seed/schema';
import {
  clientInfo,
  lifetime,
  TOKEN_LIFETIME_S,
  tokenResponse,
  uti,
  type TokenResponse,
} from '../../tokens';
import type { Realm } from '../tenant';
import { CIAM_GRAPH } from './directory';
import type { CustomerGrant, CustomerTenant } from './tenant';

/** What a B2C or External ID token is issued for. */
export interface CustomerTokenGrant extends CustomerGrant {
  realm: Realm<CustomerTenant>;
  user: SeedCustomerUser;
  client: SeedCustomerApp;
}

/** Issues B2C- or CIAM-shaped tokens; refresh tokens are recorded by the caller. */
export function customerTokens(
  ctx: EmulatorContext,
  grant: CustomerTokenGrant,
  refreshToken?: string,
): TokenResponse & Record<string, unknown> {
  const { realm, user, client } = grant;
  const { tenant } = realm;
  const iat = Math.floor(ctx.now() / 1000);
  const api = grant.scopes
    .map((s) => tenant.directory.resolveScope(s))
    .find((x) => x !== undefined);
  const apiScopes = api
    ? grant.scopes.filter(
        (s) => tenant.directory.resolveScope(s)?.app.clientId === api.app.clientId,
      )
    : [];
  const values = [
    ...new Set(apiScopes.flatMap((s) => tenant.directory.resolveScope(s)?.values ?? [])),
  ];
  const graph = api?.app === CIAM_GRAPH;
  // Granted permissions, then the `.default` asked for (as Entra answers; MSAL caches by them).
  // Graph's are written with its identifier, however they were asked for (`User.Read`).
  const graphPrefix = `${GRAPH_RESOURCE}/`;
  const granted = [
    ...new Set(
      graph
        ? [
            ...values.map((v) => `${graphPrefix}${v}`),
            ...apiScopes.filter((s) => s.toLowerCase().endsWith('/.default')),
          ]
        : apiScopes.flatMap((s) =>
            s.toLowerCase().endsWith('/.default')
              ? [...values.map((v) => `${s.slice(0, s.lastIndexOf('/'))}/${v}`), s]
              : [s],
          ),
    ),
  ].sort((a, b) => Number(a.endsWith('/.default')) - Number(b.endsWith('/.default')));
  const b2c = tenant.kind === 'b2c';
  const times = lifetime(iat);
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
  const access = graph
    ? customerV1AccessClaims(tenant, user, client, {
        aud: GRAPH_RESOURCE,
        scp: values.join(' '),
        iat,
      })
    : {
        ver: b2c ? '1.0' : '2.0',
        iss: realm.issuer,
        aud: api ? api.app.clientId : client.clientId,
        ...times,
        ...userClaims,
        ...(api ? { scp: values.join(' ') } : {}),
        azp: client.clientId,
        uti: uti(),
      };
  const uid = b2c ? `${user.id}-${realm.policy?.toLowerCase()}` : user.id;
  // B2C lists openid/offline_access with the API's scopes; External ID, like Entra, lists only
  // the API's permissions when a token is for an API, and OIDC's (Graph permissions) first for
  // a Graph token.
  const oidc =
    b2c || !api ? grant.scopes.filter((s) => ['openid', 'offline_access'].includes(s)) : [];
  const graphOidc = graph
    ? grant.scopes.filter((s) => ['openid', 'profile', 'email'].includes(s))
    : [];
  return {
    ...tokenResponse([...graphOidc, ...granted, ...oidc].join(' '), ctx.keys.sign(access)),
    id_token: ctx.keys.sign(idToken),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    client_info: clientInfo(uid, tenant.id),
    ...(b2c ? { not_before: iat, id_token_expires_in: TOKEN_LIFETIME_S } : {}),
  };
}

/**
 * A v1 access token of an External ID tenant for a first-party resource (ARM, Graph), as Entra
 * issues them there: `sts.windows.net/{tid}/` issuer, `appid`, `unique_name`, `ver` 1.0.
 */
export function customerV1AccessClaims(
  tenant: CustomerTenant,
  user: SeedCustomerUser,
  client: SeedCustomerApp,
  token: { aud: string; scp: string; iat: number },
): Record<string, unknown> {
  return {
    aud: token.aud,
    iss: stsIssuer(tenant.id),
    ...lifetime(token.iat),
    acr: '1',
    appid: client.clientId,
    appidacr: '1',
    name: user.displayName,
    oid: user.id,
    scp: token.scp,
    sub: pairwiseSubject(user.id, client.clientId),
    tid: tenant.id,
    unique_name: user.email,
    uti: uti(),
    ver: '1.0',
  };
}
