import { Router, type NextFunction, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { formBody, parseCookies, wrap } from '../http';
import { sendHtml } from '../views/html';
import { signedOutPage } from '../views/pages';
import { flowHandlers } from './flow';
import { createCustomerState, CUSTOMER_SESSION_COOKIE } from './state';
import type { CustomerTenant } from './tenant';
import { tokenHandler } from './token';
import { realmFor, type Realm } from './tokens';

export { CUSTOMER_SESSION_COOKIE } from './state';

/**
 * Azure AD B2C (`/{tenant}.onmicrosoft.com/{policy}/...`) and External ID
 * (`/{tenant}.onmicrosoft.com/...`) endpoints: discovery, keys, the sign-in pages (sign-up,
 * password reset, profile editing), token and logout. Requests for other tenants pass on.
 */
export function customerRoutes(ctx: EmulatorContext, tenants: CustomerTenant[]): Router {
  const router = Router();
  const state = createCustomerState(ctx.now);
  const { sessions } = state;
  const { authorize, link, step } = flowHandlers(ctx, state);
  const token = tokenHandler(ctx, state);

  /** Resolves the addressed realm, or passes the request on to the workforce routes. */
  const realmOf = (req: Request, kind: 'b2c' | 'ciam'): Realm | undefined => {
    const tenant = tenants.find((t) => t.kind === kind && t.matches(String(req.params.tenant)));
    if (!tenant) return undefined;
    if (kind === 'ciam') return realmFor(ctx, tenant);
    const policy = String(req.params.policy);
    const policyKind = tenant.policyKind(policy);
    return policyKind ? realmFor(ctx, tenant, tenant.policies[policyKind]) : undefined;
  };
  const handlers = (kind: 'b2c' | 'ciam') => {
    const on =
      (fn: (realm: Realm, req: Request, res: Response) => unknown) =>
      (req: Request, res: Response, next: NextFunction) => {
        const realm = realmOf(req, kind);
        if (!realm) return next();
        return fn(realm, req, res);
      };
    return {
      discovery: on((realm, _req, res) => res.json(openIdConfiguration(realm))),
      keys: on((realm, _req, res) => res.json(ctx.keys.jwks(realm.issuer))),
      authorize: on((realm, req, res) => authorize(realm, req, res)),
      link: on((realm, req, res) => link(realm, req, res)),
      step: on((realm, req, res) => step(realm, req, res)),
      token: wrap((req, res, next) => {
        const realm = realmOf(req, kind);
        if (!realm) return next();
        return token(realm, req, res);
      }),
      logout: on((realm, req, res) => logout(realm, req, res)),
    };
  };

  for (const [kind, prefix] of [
    ['b2c', '/:tenant/:policy'],
    ['ciam', '/:tenant'],
  ] as const) {
    const h = handlers(kind);
    router.get(`${prefix}/v2.0/.well-known/openid-configuration`, h.discovery);
    router.get(`${prefix}/discovery/v2.0/keys`, h.keys);
    router.get(`${prefix}/oauth2/v2.0/authorize`, h.authorize);
    router.get(`${prefix}/oauth2/v2.0/authorize/:action`, h.link);
    router.post(`${prefix}/oauth2/v2.0/authorize/:action`, ...formBody(), h.step);
    router.post(`${prefix}/oauth2/v2.0/token`, ...formBody(), h.token);
    router.all(`${prefix}/oauth2/v2.0/logout`, ...formBody(), h.logout);
  }

  const logout = (r: Realm, req: Request, res: Response) => {
    const params = {
      ...(req.query as Record<string, unknown>),
      ...(req.body as Record<string, unknown>),
    };
    const sid = parseCookies(req)[CUSTOMER_SESSION_COOKIE];
    if (sid) sessions.delete(sid);
    res.clearCookie(CUSTOMER_SESSION_COOKIE, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      path: '/',
    });
    const target =
      typeof params.post_logout_redirect_uri === 'string'
        ? params.post_logout_redirect_uri
        : undefined;
    const named = r.tenant.app(params.client_id);
    const clients = named ? [named] : r.tenant.apps;
    if (target && clients.some((c) => c.postLogoutRedirectUris.includes(target))) {
      const url = new URL(target);
      if (typeof params.state === 'string') url.searchParams.set('state', params.state);
      return res.redirect(302, url.toString());
    }
    return sendHtml(res, signedOutPage(r.tenant.displayName));
  };

  return router;
}

/** The OpenID configuration of a B2C user flow or the CIAM tenant. */
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
    claims_supported:
      realm.tenant.kind === 'b2c'
        ? [
            'name',
            'emails',
            'oid',
            'sub',
            'tfp',
            'acr',
            'newUser',
            'iss',
            'iat',
            'exp',
            'aud',
            'nonce',
            'auth_time',
          ]
        : [
            'name',
            'email',
            'preferred_username',
            'oid',
            'sub',
            'tid',
            'iss',
            'iat',
            'exp',
            'aud',
            'nonce',
            'auth_time',
          ],
  };
}
