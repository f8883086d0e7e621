import type { PublicNames } from '../sites/names';
import type { Realm } from './tenant';

/** The claims both of Entra's discovery documents list first. */
export const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'cloud_instance_name',
  'cloud_instance_host_name',
  'cloud_graph_host_name',
  'msgraph_host',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'acr',
];

/** `common` and `organizations`: documents for any tenant, whose issuers say `{tenantid}`. */
function multiTenant(realm: Realm): boolean {
  return ['common', 'organizations'].includes(realm.name.toLowerCase());
}

/** Where the document's endpoints live: the host asked, the tenant id (or `common`/…). */
function endpointBase(realm: Realm): string {
  const segment = multiTenant(realm) ? realm.name.toLowerCase() : realm.tenant.id;
  return `${realm.site.origin}/${segment}`;
}

/** The cloud's fields Entra ends both documents with. */
function cloudFields(names: PublicNames): Record<string, unknown> {
  return {
    tenant_region_scope: 'EU',
    cloud_instance_name: names.cloudInstanceName,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: names.rbacUrl,
  };
}

/**
 * Entra's v2 discovery document; GUID and domain authorities resolve to the tenant id. The
 * endpoints are on the host the client asked (`login.windows.net` stays there); the issuer is
 * the tenant's (`https://login.microsoftonline.com/{tid}/v2.0` on every alias).
 */
export function openIdConfiguration(realm: Realm): Record<string, unknown> {
  const base = endpointBase(realm);
  const issuer = realm.tenant.issuer(realm.site.names);
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: multiTenant(realm) ? issuer.replace(realm.tenant.id, '{tenantid}') : issuer,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      ...CLAIMS_SUPPORTED,
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    ...cloudFields(realm.site.names),
  };
}

/**
 * Entra's v1 discovery document (`/{tenant}/.well-known/openid-configuration`), as the
 * workforce tenant and External ID serve it: v1 endpoints (`/oauth2/authorize`, `/oauth2/token`,
 * `/oauth2/logout`) and a v1 issuer (`https://sts.windows.net/{tid}/`). Microsoft's `identity`
 * package reads it to sign out; v1-token validators read its issuer and keys.
 */
export function v1Document(o: {
  /** `{url}/{tenant}`: where the v1 endpoints live. */
  base: string;
  issuer: string;
  jwksUri: string;
  claims: string[];
  /** The cloud's fields after the claims (instance name, Graph hosts, …). */
  cloud: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    token_endpoint: `${o.base}/oauth2/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: o.jwksUri,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: o.issuer,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${o.base}/oauth2/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${o.base}/oauth2/logout`,
    claims_supported: o.claims,
    ...o.cloud,
  };
}

/** The workforce tenant's v1 document; `common` and `organizations` keep `{tenantid}` in the issuer. */
export function v1OpenIdConfiguration(realm: Realm): Record<string, unknown> {
  return v1Document({
    base: endpointBase(realm),
    issuer: `https://sts.windows.net/${multiTenant(realm) ? '{tenantid}' : realm.tenant.id}/`,
    jwksUri: `${realm.site.origin}/common/discovery/keys`,
    claims: [...CLAIMS_SUPPORTED, 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
    cloud: cloudFields(realm.site.names),
  });
}
