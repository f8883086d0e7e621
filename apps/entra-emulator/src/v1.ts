import { v1Issuer, type EmulatorContext } from './context';
import { isOidcScope } from './directory';
import { aad } from './errors/entra';
import { AadError } from './errors/wire';
import { decodeJwt } from './jwt';
import type { TokenResponse } from './tokens';

/**
 * Entra's v1 protocol (`/{tenant}/oauth2/authorize`, `/{tenant}/oauth2/token`, what the v1
 * discovery document advertises) as a layer over the v2 one: a v1 request names a `resource`
 * where v2 names scopes, so it becomes `{resource}/.default` (every permission consented), and
 * the v2 answer is reshaped into v1's: `resource`, string `expires_in`/`expires_on`/`not_before`,
 * bare permission names in `scope`, a v1 ID token, and a refresh token on every user grant.
 */

/** The v2 authorize query for a v1 one (`resource` → `{resource}/.default openid offline_access`). */
export function v1AuthorizeQuery(query: Record<string, unknown>): Record<string, string> {
  const q = Object.fromEntries(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const { resource, ...rest } = q;
  return {
    ...rest,
    scope: `${resource ? `${resource.replace(/\/+$/, '')}/.default ` : ''}openid offline_access`,
  };
}

/** What a v1 token request asks for, as a v2 request body. */
export interface V1TokenRequest {
  body: Record<string, string | undefined>;
  /** The `resource` as sent (echoed in the response); undefined: the code's own. */
  resource?: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Grants that must name a `resource` (a code carries the one it was issued for). */
const NEED_RESOURCE = ['client_credentials', 'password', 'refresh_token', JWT_BEARER];

/** Translates a v1 token request; an unknown resource is AADSTS500011, as in Entra. */
export function v1TokenRequest(
  ctx: EmulatorContext,
  body: Record<string, string | undefined>,
): V1TokenRequest {
  const { resource, scope: v1Scope, ...rest } = body;
  if (resource && !ctx.directory.resource(resource)) {
    throw new AadError(
      500011,
      'invalid_resource',
      `The resource principal named ${resource} was not found in the tenant named ${ctx.seed.tenant.domain}.`,
    );
  }
  const grant = body.grant_type ?? '';
  if (!resource && NEED_RESOURCE.includes(grant)) throw aad.missingParameter('resource');
  const target = resource ? `${resource.replace(/\/+$/, '')}/.default` : undefined;
  // v1 returns a refresh token on every user grant (OBO included), an ID token after a sign-in
  // (code flow) or when ROPC's `scope` asks for openid.
  const idToken =
    grant === 'authorization_code' ||
    (grant === 'password' && (v1Scope ?? '').split(' ').includes('openid'));
  const oidc =
    grant === 'client_credentials' ? [] : ['offline_access', ...(idToken ? ['openid'] : [])];
  const scope = [target, ...oidc].filter(Boolean).join(' ') || undefined;
  return { body: { ...rest, ...(scope ? { scope } : {}) }, resource };
}

/** Reshapes a v2 token response into v1's. */
export function v1TokenResponse(
  ctx: EmulatorContext,
  v2: TokenResponse,
  resource: string | undefined,
): Record<string, unknown> {
  const now = Math.floor(ctx.now() / 1000);
  const access = decodeJwt(v2.access_token)?.payload ?? {};
  const permissions = (v2.scope ?? '')
    .split(' ')
    .filter((s) => s && !s.endsWith('/.default') && !isOidcScope(s))
    .map((s) => s.slice(s.lastIndexOf('/') + 1));
  const audience = typeof access.aud === 'string' ? access.aud : undefined;
  return {
    token_type: v2.token_type,
    ...(v2.scope !== undefined ? { scope: permissions.join(' ') } : {}),
    expires_in: String(v2.expires_in),
    ext_expires_in: String(v2.ext_expires_in),
    expires_on: String(now + v2.expires_in),
    not_before: String(now),
    resource: resource ?? audience,
    access_token: v2.access_token,
    ...(v2.refresh_token ? { refresh_token: v2.refresh_token } : {}),
    ...(v2.id_token ? { id_token: v1IdToken(ctx, v2.id_token) } : {}),
  };
}

/** The v1 ID token for a v2 one: v1 issuer, `upn`/`unique_name`, `ver` 1.0. */
function v1IdToken(ctx: EmulatorContext, v2IdToken: string): string {
  const v2 = decodeJwt(v2IdToken)?.payload ?? {};
  const user = ctx.directory.user(v2.oid);
  const pick = (...names: string[]) =>
    Object.fromEntries(names.filter((n) => v2[n] !== undefined).map((n) => [n, v2[n]]));
  return ctx.keys.sign({
    aud: v2.aud,
    iss: v1Issuer(ctx),
    ...pick('iat', 'nbf', 'exp', 'auth_time', 'nonce'),
    amr: ['pwd'],
    ...(user?.surname ? { family_name: user.surname } : {}),
    ...(user?.givenName ? { given_name: user.givenName } : {}),
    ...pick('name', 'oid', 'sub', 'tid'),
    unique_name: v2.preferred_username,
    upn: v2.preferred_username,
    ver: '1.0',
  });
}
