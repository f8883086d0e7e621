import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import type { FaultEndpoint } from '../faults';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { applyFault, wrap } from '../http';
import { siteOf } from '../sites/site';
import { instanceDiscovery } from '../tenants/instance-discovery';
import { addressed, realmOf } from '../tenants/registry';
import type { Realm } from '../tenants/tenant';

/** A tenant's v2 document (`/{tenant}/…`, or a B2C user flow's `/{tenant}/{policy}/…`). */
const V2_DOCUMENT = [
  '/:tenant/v2.0/.well-known/openid-configuration',
  '/:tenant/:policy/v2.0/.well-known/openid-configuration',
];
/** Without `/v2.0`: Entra's v1 document (B2C serves its v2 one there too). */
const V1_DOCUMENT = [
  '/:tenant/.well-known/openid-configuration',
  '/:tenant/:policy/.well-known/openid-configuration',
];
const KEYS = [
  '/:tenant/discovery/v2.0/keys',
  '/:tenant/discovery/keys',
  '/:tenant/:policy/discovery/v2.0/keys',
];
const CACHED = { 'Cache-Control': 'max-age=86400, private' };

/**
 * OpenID discovery and JWKS of every tenant at Entra's and B2C's paths, and Entra's instance
 * and user realm discovery. Each request is counted and may meet an injected fault.
 */
export function discoveryRoutes(ctx: EmulatorContext): Router {
  const router = Router();
  /** Instance and user realm discovery are the workforce login host's (`login.microsoftonline.com`). */
  const workforceHost = (res: Response) => siteOf(res).serves(ctx.tenants.workforce);

  /** Counts, applies a fault, then answers for the addressed tenant (AADSTS90002 for none). */
  const serve = (endpoint: FaultEndpoint, body: (realm: Realm) => unknown) =>
    wrap(async (req: Request, res: Response) => {
      if (endpoint === 'jwks') ctx.counters.jwks += 1;
      else ctx.counters.discovery += 1;
      await applyFault(ctx, endpoint);
      const realm = realmOf(res);
      if (!realm) throw aad.unknownTenant(String(req.params.tenant));
      res.set(CACHED).json(body(realm));
    });

  router.get(
    V2_DOCUMENT,
    addressed(ctx),
    serve('discovery', (realm) => realm.tenant.discovery(realm, 'v2')),
  );
  router.get(
    V1_DOCUMENT,
    addressed(ctx),
    serve('discovery', (realm) => realm.tenant.discovery(realm, 'v1')),
  );
  router.get(
    KEYS,
    addressed(ctx),
    serve('jwks', (realm) => realm.tenant.keys.jwks(realm.issuer)),
  );

  router.get(
    '/:tenant/discovery/instance',
    wrap(async (req, res, next) => {
      if (!workforceHost(res)) return next();
      ctx.counters.instanceDiscovery += 1;
      await applyFault(ctx, 'discovery');
      const answer = instanceDiscovery(siteOf(res), req.query.authorization_endpoint, (host) =>
        ctx.sites.serves(host),
      );
      if (!answer) throw aad.invalidInstance();
      res.json(answer);
    }),
  );
  // User realm discovery (MSAL Python and the Azure CLI ask it before a username/password
  // sign-in): every account of the tenant's domain is cloud-managed, others are unknown.
  router.get('/common/userrealm/:username', (req, res, next) => {
    if (!workforceHost(res)) return next();
    const username = String(req.params.username);
    const domain = username.includes('@') ? username.slice(username.lastIndexOf('@') + 1) : '';
    const ours = domain.toLowerCase() === ctx.seed.tenant.domain.toLowerCase();
    const cloud = siteOf(res).names.cloudInstanceName;
    res.json(
      ours
        ? {
            ver: '1.0',
            account_type: 'Managed',
            domain_name: ctx.seed.tenant.domain,
            cloud_instance_name: cloud,
            cloud_audience_urn: 'urn:federation:MicrosoftOnline',
          }
        : { ver: '1.0', account_type: 'Unknown', cloud_instance_name: cloud },
    );
  });
  router.use([...V2_DOCUMENT, ...V1_DOCUMENT, ...KEYS], errorHandler(ctx, 'oauth'));
  return router;
}
