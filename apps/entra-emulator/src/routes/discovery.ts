import { Router, type Request } from 'express';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { applyFault, wrap } from '../http';

/** OpenID discovery, JWKS and instance discovery, at Entra's paths. */
export function discoveryRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  const host = new URL(ctx.baseUrl).host;

  const knownTenant = (req: Request): string => {
    const tenant = String(req.params.tenant);
    if (!ctx.directory.knowsTenant(tenant)) throw aad.unknownTenant(tenant);
    return tenant;
  };

  router.get(
    '/:tenant/v2.0/.well-known/openid-configuration',
    wrap(async (req, res) => {
      ctx.counters.discovery += 1;
      await applyFault(ctx, 'discovery');
      const tenant = knownTenant(req);
      res.set('Cache-Control', 'max-age=86400, private').json(openIdConfiguration(ctx, tenant));
    }),
  );

  router.get(
    '/:tenant/.well-known/openid-configuration',
    wrap(async (req, res) => {
      ctx.counters.discovery += 1;
      await applyFault(ctx, 'discovery');
      const tenant = knownTenant(req);
      res.set('Cache-Control', 'max-age=86400, private').json(v1OpenIdConfiguration(ctx, tenant));
    }),
  );

  const keys = wrap(async (req, res) => {
    ctx.counters.jwks += 1;
    await applyFault(ctx, 'jwks');
    knownTenant(req);
    res
      .set('Cache-Control', 'max-age=86400, private')
      .json(ctx.keys.jwks(`${ctx.baseUrl}/${ctx.seed.tenant.id}/v2.0`));
  });
  router.get('/:tenant/discovery/v2.0/keys', keys);
  router.get('/:tenant/discovery/keys', keys);

  router.get(
    '/:tenant/discovery/instance',
    wrap(async (req, res) => {
      ctx.counters.instanceDiscovery += 1;
      await applyFault(ctx, 'discovery');
      let tenant = 'common';
      const endpoint = req.query.authorization_endpoint;
      if (typeof endpoint === 'string') {
        try {
          tenant = new URL(endpoint).pathname.split('/')[1] || 'common';
        } catch {
          // Fall back to common, as Entra does for unparseable endpoints.
        }
      }
      res.json({
        tenant_discovery_endpoint: `${ctx.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }),
  );
  // User realm discovery (MSAL Python and the Azure CLI ask it before a username/password
  // sign-in): every account of the tenant's domain is cloud-managed, others are unknown.
  router.get('/common/userrealm/:username', (req, res) => {
    const username = String(req.params.username);
    const domain = username.includes('@') ? username.slice(username.lastIndexOf('@') + 1) : '';
    const ours = domain.toLowerCase() === ctx.seed.tenant.domain.toLowerCase();
    res.json(
      ours
        ? {
            ver: '1.0',
            account_type: 'Managed',
            domain_name: ctx.seed.tenant.domain,
            cloud_instance_name: host,
            cloud_audience_urn: 'urn:federation:MicrosoftOnline',
          }
        : { ver: '1.0', account_type: 'Unknown', cloud_instance_name: host },
    );
  });
  router.use(
    ['/:tenant/v2.0/.well-known', '/:tenant/.well-known', '/:tenant/discovery'],
    errorHandler(ctx, 'oauth'),
  );
  return router;
}

/** The claims both of Entra's discovery documents list first. */
const CLAIMS_SUPPORTED = [
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

/** Entra's v2 discovery document; GUID and domain authorities resolve to the tenant id. */
export function openIdConfiguration(ctx: EmulatorContext, tenant: string): Record<string, unknown> {
  const tid = ctx.seed.tenant.id;
  const multi = ['common', 'organizations'].includes(tenant.toLowerCase());
  const segment = multi ? tenant.toLowerCase() : tid;
  const base = `${ctx.baseUrl}/${segment}`;
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
    issuer: multi ? `${ctx.baseUrl}/{tenantid}/v2.0` : `${ctx.baseUrl}/${tid}/v2.0`,
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
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.baseUrl).host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: `${ctx.baseUrl}/arm`,
  };
}

/**
 * The v1 discovery document (`/{tenant}/.well-known/openid-configuration`), as Entra serves it:
 * v1 endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/logout`), the v1 issuer
 * `https://sts.windows.net/{tid}/` and the keys at `/common/discovery/keys`. Microsoft's
 * `identity` package reads it to sign out; v1-token validators read its issuer and keys.
 */
export function v1OpenIdConfiguration(
  ctx: EmulatorContext,
  tenant: string,
): Record<string, unknown> {
  const tid = ctx.seed.tenant.id;
  const multi = ['common', 'organizations'].includes(tenant.toLowerCase());
  const base = `${ctx.baseUrl}/${multi ? tenant.toLowerCase() : tid}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${ctx.baseUrl}/common/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: multi ? 'https://sts.windows.net/{tenantid}/' : `https://sts.windows.net/${tid}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: [
      ...CLAIMS_SUPPORTED,
      'amr',
      'nonce',
      'email',
      'given_name',
      'family_name',
      'nickname',
    ],
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.baseUrl).host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: `${ctx.baseUrl}/arm`,
  };
}
