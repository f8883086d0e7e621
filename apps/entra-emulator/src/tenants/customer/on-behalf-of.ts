import type { EmulatorContext } from '../../context';
import { GRAPH_RESOURCE, isOidcScope, pairwiseSubject } from '../../directory';
import { ARM_AUDIENCE, ARM_AUDIENCES } from '../../resources';
import { aad } from '../../errors/entra';
import { required, type GrantRequest } from '../../grants/types';
import type { SeedCustomerApp, SeedCustomerUser } from '../../seed/schema';
import { clientInfo, lifetime, tokenResponse, uti, type TokenResponse } from '../../tokens';
import type { Realm } from '../tenant';
import { CIAM_GRAPH } from './directory';
import type { CustomerTenant } from './tenant';
import { customerV1AccessClaims } from './tokens';

/** What the downstream token is for: ARM, or an API registered in the external tenant. */
type Downstream =
  | { kind: 'arm'; scopes: string[] }
  | { kind: 'api'; app: SeedCustomerApp; values: string[]; scopes: string[] };

/**
 * On-Behalf-Of in an External ID (CIAM) tenant, as Entra does it there: the API presents the
 * user's access token (issued by this tenant, to this API), and gets a token for a downstream
 * resource — Azure Resource Manager or Microsoft Graph (v1 tokens, `sts.windows.net/{tid}/`) or
 * another API of the tenant (a v2 token). Apps in external tenants are admin-consented by their owners, so no
 * consent step applies. `client` is authenticated and the user's assertion verified
 * (`grants/assertion.ts`).
 */
export function customerOnBehalfOf(
  ctx: EmulatorContext,
  realm: Realm<CustomerTenant>,
  client: SeedCustomerApp,
  user: SeedCustomerUser,
  g: GrantRequest,
): TokenResponse {
  const { tenant } = realm;
  const requested = required(g, 'scope').split(' ').filter(Boolean);
  const downstream = resolveDownstream(realm, requested);
  const iat = Math.floor(ctx.now() / 1000);
  // The tenant's own APIs get v2 tokens; first-party resources (ARM, Graph) v1 tokens.
  const access =
    downstream.kind === 'api' && downstream.app !== CIAM_GRAPH
      ? {
          aud: downstream.app.clientId,
          iss: realm.issuer,
          ...lifetime(iat),
          azp: client.clientId,
          azpacr: '1',
          name: user.displayName,
          oid: user.id,
          preferred_username: user.email,
          scp: downstream.values.join(' '),
          sub: pairwiseSubject(user.id, downstream.app.clientId),
          tid: tenant.id,
          uti: uti(),
          ver: '2.0',
        }
      : customerV1AccessClaims(tenant, user, client, {
          aud: downstream.kind === 'arm' ? ARM_AUDIENCE : GRAPH_RESOURCE,
          scp: downstream.kind === 'arm' ? 'user_impersonation' : downstream.values.join(' '),
          iat,
        });
  const oidc = requested.filter((s) => isOidcScope(s) && s !== 'offline_access');
  return {
    ...tokenResponse([...downstream.scopes, ...oidc].join(' '), ctx.keys.sign(access)),
    ...(oidc.includes('openid')
      ? { id_token: ctx.keys.sign(idToken(realm, user, client, iat)) }
      : {}),
    client_info: clientInfo(user.id, tenant.id),
  };
}

function resolveDownstream(realm: Realm<CustomerTenant>, requested: string[]): Downstream {
  const resourceScopes = requested.filter((s) => !isOidcScope(s));
  if (resourceScopes.length === 0) throw aad.invalidScope(requested.join(' '));
  const isArm = (s: string) =>
    ARM_AUDIENCES.some((a) => s.toLowerCase().startsWith(a.replace(/\/?$/, '/')));
  const arm = resourceScopes.filter(isArm).length;
  // The response names the granted permissions and, as Entra does, the `.default` asked for,
  // with the resource prefix as the client wrote it (MSAL caches by the response's scopes).
  const isDefault = resourceScopes.some((s) => s.toLowerCase().endsWith('/.default'));
  if (arm === resourceScopes.length) {
    const prefix = resourceScopes[0].slice(0, resourceScopes[0].lastIndexOf('/'));
    const granted = [`${prefix}/user_impersonation`];
    return { kind: 'arm', scopes: isDefault ? [...granted, `${prefix}/.default`] : granted };
  }
  if (arm > 0) throw aad.multipleResources();
  const apps = new Set<SeedCustomerApp>();
  const values: string[] = [];
  for (const scope of resourceScopes) {
    const api = realm.tenant.directory.resolveScope(scope);
    if (!api) {
      throw aad.unknownResource(scope, realm.tenant.domain);
    }
    apps.add(api.app);
    values.push(...api.values);
  }
  if (apps.size > 1) throw aad.multipleResources();
  const [app] = [...apps];
  const unique = [...new Set(values)];
  const prefix = (app.identifierUri ?? app.clientId).replace(/\/+$/, '');
  const scopes = unique.map((v) => `${prefix}/${v}`);
  return {
    kind: 'api',
    app,
    values: unique,
    scopes: isDefault ? [...scopes, `${prefix}/.default`] : scopes,
  };
}

function idToken(
  realm: Realm<CustomerTenant>,
  user: SeedCustomerUser,
  client: SeedCustomerApp,
  iat: number,
): Record<string, unknown> {
  return {
    aud: client.clientId,
    iss: realm.issuer,
    ...lifetime(iat),
    name: user.displayName,
    oid: user.id,
    preferred_username: user.email,
    sub: pairwiseSubject(user.id, client.clientId),
    tid: realm.tenant.id,
    ver: '2.0',
  };
}
