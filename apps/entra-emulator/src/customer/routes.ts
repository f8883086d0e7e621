import { Router, type NextFunction, type Request, type Response } from 'express';
import { formBody } from '../body';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { errorHandler } from '../errors/render';
import { parseCookies, wrap } from '../http';
import { sendHtml } from '../views/html';
import { signedOutPage } from '../views/pages';
import { openIdConfiguration, v1OpenIdConfiguration } from './discovery';
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
    /** Runs `fn` for the addressed realm (the tenant answering: `res.locals.tenant`), or passes on. */
    const on =
      (fn: (realm: Realm, req: Request, res: Response) => unknown) =>
      (req: Request, res: Response, next: NextFunction) => {
        const realm = realmOf(req, kind);
        if (!realm) return next();
        res.locals.tenant = realm.tenant;
        return fn(realm, req, res);
      };
    /** Leaves requests for other tenants to the next route before their body is read. */
    const gate = (req: Request, res: Response, next: NextFunction) => {
      const realm = realmOf(req, kind);
      if (realm) res.locals.tenant = realm.tenant;
      next(realm ? undefined : 'route');
    };
    const pageErrors = errorHandler(ctx, 'page');
    const tokenErrors = errorHandler(ctx, 'oauth');
    return {
      discovery: on((realm, _req, res) => res.json(openIdConfiguration(realm))),
      v1Discovery: on((realm, _req, res) => res.json(v1OpenIdConfiguration(ctx, realm))),
      keys: on((realm, _req, res) => res.json(ctx.keys.jwks(realm.issuer))),
      authorize: [on((realm, req, res) => authorize(realm, req, res)), pageErrors],
      link: [on((realm, req, res) => link(realm, req, res)), pageErrors],
      page: [gate, ...formBody(), on((realm, req, res) => step(realm, req, res)), pageErrors],
      token: [
        gate,
        ...formBody(),
        wrap((req, res, next) => {
          const realm = realmOf(req, kind);
          if (!realm) return next();
          return token(realm, req, res);
        }),
        tokenErrors,
      ],
      // External ID's v1 authorize and token endpoints are advertised, not emulated: say so.
      v1Authorize: [
        on((realm) => {
          throw v1NotEmulated(realm, 'authorize');
        }),
        pageErrors,
      ],
      v1Token: [
        gate,
        ...formBody(),
        on((realm) => {
          throw v1NotEmulated(realm, 'token');
        }),
        tokenErrors,
      ],
      logout: [gate, ...formBody(), on((realm, req, res) => logout(realm, req, res)), pageErrors],
    };
  };

  for (const [kind, prefix] of [
    ['b2c', '/:tenant/:policy'],
    ['ciam', '/:tenant'],
  ] as const) {
    const h = handlers(kind);
    router.get(`${prefix}/v2.0/.well-known/openid-configuration`, h.discovery);
    router.get(`${prefix}/discovery/v2.0/keys`, h.keys);
    router.get(`${prefix}/oauth2/v2.0/authorize`, ...h.authorize);
    router.get(`${prefix}/oauth2/v2.0/authorize/:action`, ...h.link);
    router.post(`${prefix}/oauth2/v2.0/authorize/:action`, ...h.page);
    router.post(`${prefix}/oauth2/v2.0/token`, ...h.token);
    router.all(`${prefix}/oauth2/v2.0/logout`, ...h.logout);
    if (kind === 'b2c') {
      // B2C serves its (v2) document without `/v2.0` too: Microsoft's `identity` package reads it.
      router.get(`${prefix}/.well-known/openid-configuration`, h.discovery);
    } else {
      // External ID is Entra: a v1 document and the v1 sign-out it advertises.
      router.get(`${prefix}/.well-known/openid-configuration`, h.v1Discovery);
      router.get(`${prefix}/discovery/keys`, h.keys);
      router.all(`${prefix}/oauth2/logout`, ...h.logout);
      router.get(`${prefix}/oauth2/authorize`, ...h.v1Authorize);
      router.post(`${prefix}/oauth2/token`, ...h.v1Token);
    }
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

const v1NotEmulated = (realm: Realm, endpoint: 'authorize' | 'token') =>
  aad.malformed(
    `The emulator serves External ID's v1 document and sign-out, not its v1 ${endpoint} endpoint: use ${realm.base}/oauth2/v2.0/${endpoint}.`,
  );
