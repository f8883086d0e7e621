import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { AadError } from '../errors/wire';
import { pairwiseSubject } from '../directory';
import { decodeJwt, verifyRs256 } from '../jwt';
import type { SeedCustomerApp, SeedCustomerUser } from '../seed/schema';
import { TOKEN_LIFETIME_S } from '../tokens';
import type { Realm } from './tokens';

/** Clock skew allowed on the assertion's `exp`/`nbf`, in seconds (as in the workforce tenant). */
const SKEW_S = 300;
const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);
const ARM_PREFIXES = ['https://management.azure.com/', 'https://management.core.windows.net/'];
const ARM_AUDIENCE = 'https://management.azure.com/';

/** What the downstream token is for: ARM, or an API registered in the external tenant. */
type Downstream =
  | { kind: 'arm'; scopes: string[] }
  | { kind: 'api'; app: SeedCustomerApp; values: string[]; scopes: string[] };

/**
 * On-Behalf-Of in an External ID (CIAM) tenant, as Entra does it there: the API presents the
 * user's access token (issued by this tenant, to this API), and gets a token for a downstream
 * resource — Azure Resource Manager (a v1 token, `sts.windows.net/{tid}/`) or another API of
 * the tenant (a v2 token). Apps in external tenants are admin-consented by their owners, so no
 * consent step applies. `client` is already authenticated.
 */
export function customerOnBehalfOf(
  ctx: EmulatorContext,
  realm: Realm,
  client: SeedCustomerApp,
  body: Record<string, string | undefined>,
): Record<string, unknown> {
  const { tenant } = realm;
  const jwt = decodeJwt(body.assertion);
  if (!jwt) throw new AadError(50027, 'invalid_request', 'JWT token is invalid or malformed.');
  const key = ctx.keys.find(jwt.header.kid);
  if (!key || !verifyRs256(jwt, key.publicKey)) {
    throw new AadError(50013, 'invalid_grant', 'Assertion failed signature validation.');
  }
  const claims = jwt.payload;
  if (claims.iss !== realm.issuer || claims.tid !== tenant.id) {
    throw new AadError(
      50013,
      'invalid_grant',
      `Assertion contains an invalid issuer '${String(claims.iss)}'.`,
    );
  }
  const audiences = [client.clientId, client.identifierUri]
    .filter((a): a is string => typeof a === 'string')
    .map((a) => a.toLowerCase());
  if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud.toLowerCase())) {
    throw new AadError(
      50013,
      'invalid_grant',
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${String(claims.aud)}' and the expected audience is '${client.clientId}'.`,
    );
  }
  const now = Math.floor(ctx.now() / 1000);
  if (
    typeof claims.exp !== 'number' ||
    claims.exp + SKEW_S < now ||
    (typeof claims.nbf === 'number' && claims.nbf - SKEW_S > now)
  ) {
    throw new AadError(500133, 'invalid_grant', 'Assertion is not within its valid time range.');
  }
  if (typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
    throw new AadError(
      50013,
      'invalid_grant',
      'On-Behalf-Of requires a delegated token issued to a user.',
    );
  }
  const user = tenant.user(claims.oid);
  if (!user) {
    throw new AadError(
      50034,
      'invalid_grant',
      `The user account ${claims.oid} does not exist in the ${tenant.id} directory.`,
    );
  }
  const requested = (body.scope ?? '').split(' ').filter(Boolean);
  const downstream = resolveDownstream(realm, requested);
  const iat = now;
  const times = { iat, nbf: iat, exp: iat + TOKEN_LIFETIME_S };
  const uti = randomBytes(16).toString('base64url').slice(0, 22);
  const access =
    downstream.kind === 'arm'
      ? {
          aud: ARM_AUDIENCE,
          iss: `https://sts.windows.net/${tenant.id}/`,
          ...times,
          acr: '1',
          appid: client.clientId,
          appidacr: '1',
          name: user.displayName,
          oid: user.id,
          scp: 'user_impersonation',
          sub: pairwiseSubject(user.id, client.clientId),
          tid: tenant.id,
          unique_name: user.email,
          uti,
          ver: '1.0',
        }
      : {
          aud: downstream.app.clientId,
          iss: realm.issuer,
          ...times,
          azp: client.clientId,
          azpacr: '1',
          name: user.displayName,
          oid: user.id,
          preferred_username: user.email,
          scp: downstream.values.join(' '),
          sub: pairwiseSubject(user.id, downstream.app.clientId),
          tid: tenant.id,
          uti,
          ver: '2.0',
        };
  const oidc = requested.filter((s) => OIDC.has(s) && s !== 'offline_access');
  return {
    token_type: 'Bearer',
    scope: [...downstream.scopes, ...oidc].join(' '),
    expires_in: TOKEN_LIFETIME_S - 1,
    ext_expires_in: TOKEN_LIFETIME_S - 1,
    access_token: ctx.keys.sign(access),
    ...(oidc.includes('openid')
      ? { id_token: ctx.keys.sign(idToken(realm, user, client, iat)) }
      : {}),
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString(
      'base64url',
    ),
  };
}

function resolveDownstream(realm: Realm, requested: string[]): Downstream {
  const resourceScopes = requested.filter((s) => !OIDC.has(s));
  if (resourceScopes.length === 0) {
    throw new AadError(
      70011,
      'invalid_scope',
      'The provided request must include a resource scope.',
    );
  }
  const isArm = (s: string) => ARM_PREFIXES.some((p) => s.toLowerCase().startsWith(p));
  const arm = resourceScopes.filter(isArm).length;
  // The response names the granted permissions and, as Entra does, the `.default` asked for,
  // with the resource prefix as the client wrote it (MSAL caches by the response's scopes).
  const isDefault = resourceScopes.some((s) => s.toLowerCase().endsWith('/.default'));
  if (arm === resourceScopes.length) {
    const prefix = resourceScopes[0].slice(0, resourceScopes[0].lastIndexOf('/'));
    const granted = [`${prefix}/user_impersonation`];
    return { kind: 'arm', scopes: isDefault ? [...granted, `${prefix}/.default`] : granted };
  }
  if (arm > 0) throw multipleResources();
  const apps = new Set<SeedCustomerApp>();
  const values: string[] = [];
  for (const scope of resourceScopes) {
    const api = realm.tenant.resolveScope(scope);
    if (!api) {
      throw new AadError(
        500011,
        'invalid_resource',
        `The resource principal named ${scope} was not found in the tenant named ${realm.tenant.domain}.`,
      );
    }
    apps.add(api.app);
    values.push(...api.values);
  }
  if (apps.size > 1) throw multipleResources();
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

function multipleResources(): AadError {
  return new AadError(
    28000,
    'invalid_request',
    'Provided value for the input parameter scope is not valid because it contains more than one resource.',
  );
}

function idToken(
  realm: Realm,
  user: SeedCustomerUser,
  client: SeedCustomerApp,
  iat: number,
): Record<string, unknown> {
  return {
    aud: client.clientId,
    iss: realm.issuer,
    iat,
    nbf: iat,
    exp: iat + TOKEN_LIFETIME_S,
    name: user.displayName,
    oid: user.id,
    preferred_username: user.email,
    sub: pairwiseSubject(user.id, client.clientId),
    tid: realm.tenant.id,
    ver: '2.0',
  };
}
