import { v1Document } from '../discovery';
import type { Realm } from '../tenant';
import type { CustomerTenant } from './tenant';

const TOKEN_CLAIMS = ['iss', 'iat', 'exp', 'aud', 'nonce', 'auth_time'];
const B2C_CLAIMS = ['name', 'emails', 'oid', 'sub', 'tfp', 'acr', 'newUser', ...TOKEN_CLAIMS];
const CIAM_CLAIMS = ['name', 'email', 'preferred_username', 'oid', 'sub', 'tid', ...TOKEN_CLAIMS];

/**
 * The OpenID configuration of a B2C user flow or the External ID tenant. B2C serves the same
 * document with and without `/v2.0` in the path (its endpoints are all v2).
 */
export function customerOpenIdConfiguration(realm: Realm<CustomerTenant>): Record<string, unknown> {
  return {
    issuer: realm.issuer,
    authorization_endpoint: `${realm.base}/oauth2/v2.0/authorize`,
    token_endpoint: `${realm.base}/oauth2/v2.0/token`,
    end_session_endpoint: `${realm.base}/oauth2/v2.0/logout`,
    jwks_uri: `${realm.base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: ['code', 'code id_token', 'id_token', 'token'],
    scopes_supported: ['openid', 'offline_access'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: realm.tenant.kind === 'b2c' ? B2C_CLAIMS : CIAM_CLAIMS,
  };
}

/**
 * The External ID tenant's v1 document (`/{tenant}/.well-known/openid-configuration`, no
 * `/v2.0`), shaped like the workforce tenant's: v1 endpoints and the v1 issuer
 * `https://sts.windows.net/{tid}/` (that of the tenant's v1 tokens, e.g. ARM's).
 */
export function ciamV1OpenIdConfiguration(realm: Realm<CustomerTenant>): Record<string, unknown> {
  return v1Document({
    base: realm.base,
    issuer: `https://sts.windows.net/${realm.tenant.id}/`,
    jwksUri: `${realm.base}/discovery/keys`,
    claims: CIAM_CLAIMS,
    cloud: { cloud_instance_name: realm.site.names.cloudInstanceName },
  });
}
