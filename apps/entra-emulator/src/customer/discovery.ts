import type { EmulatorContext } from '../context';
import type { Realm } from './tokens';

const TOKEN_CLAIMS = ['iss', 'iat', 'exp', 'aud', 'nonce', 'auth_time'];
const B2C_CLAIMS = ['name', 'emails', 'oid', 'sub', 'tfp', 'acr', 'newUser', ...TOKEN_CLAIMS];
const CIAM_CLAIMS = ['name', 'email', 'preferred_username', 'oid', 'sub', 'tid', ...TOKEN_CLAIMS];

/**
 * The OpenID configuration of a B2C user flow or the External ID tenant. B2C serves the same
 * document with and without `/v2.0` in the path (its endpoints are all v2).
 */
export function openIdConfiguration(realm: Realm): Record<string, unknown> {
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
export function v1OpenIdConfiguration(ctx: EmulatorContext, realm: Realm): Record<string, unknown> {
  return {
    token_endpoint: `${realm.base}/oauth2/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${realm.base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${realm.tenant.id}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${realm.base}/oauth2/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${realm.base}/oauth2/logout`,
    claims_supported: CIAM_CLAIMS,
    cloud_instance_name: new URL(ctx.baseUrl).host,
  };
}
