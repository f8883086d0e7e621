import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { EmulatorContext } from '../context';
import { entraTimestamp } from '../errors';
import { formBody, parseCookies, wrap } from '../http';
import { sendHtml } from '../views/html';
import { signedOutPage } from '../views/pages';
import {
  customerErrorPage,
  customerLoginPage,
  editProfilePage,
  resetPage,
  signUpPage,
} from './pages';
import type { CustomerTenant, PolicyKind } from './tenant';
import { issueCustomerTokens, realmFor, type CustomerGrant, type Realm } from './tokens';

/** Browser session cookie of the B2C/CIAM tenants (single sign-on across user flows). */
export const CUSTOMER_SESSION_COOKIE = 'x-ms-cpim-sso';
const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface Transaction {
  realm: Realm;
  kind: PolicyKind;
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  codeChallenge?: string;
  /** Set once the password-reset flow knows the account. */
  userId?: string;
  createdAt: number;
}

interface Code extends CustomerGrant {
  redirectUri: string;
  codeChallenge?: string;
  createdAt: number;
}

/** A short-lived map with a size cap (oldest out first). */
class Expiring<T extends { createdAt: number }> {
  private readonly items = new Map<string, T>();
  constructor(private readonly now: () => number) {}
  add(value: T): string {
    const key = randomBytes(32).toString('base64url');
    if (this.items.size >= MAX_ENTRIES) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    this.items.set(key, value);
    return key;
  }
  get(key: unknown): T | undefined {
    const item = typeof key === 'string' ? this.items.get(key) : undefined;
    return item && this.now() - item.createdAt < TTL_MS ? item : undefined;
  }
  take(key: unknown): T | undefined {
    const item = this.get(key);
    if (item) this.items.delete(key as string);
    return item;
  }
}

/**
 * Azure AD B2C (`/{tenant}.onmicrosoft.com/{policy}/...`) and External ID
 * (`/{tenant}.onmicrosoft.com/...`) endpoints: discovery, keys, the sign-in pages (sign-up,
 * password reset, profile editing), token and logout. Requests for other tenants pass on.
 */
export function customerRoutes(ctx: EmulatorContext, tenants: CustomerTenant[]): Router {
  const router = Router();
  const transactions = new Expiring<Transaction>(ctx.now);
  const codes = new Expiring<Code>(ctx.now);
  const refreshTokens = new Map<string, CustomerGrant>();
  const sessions = new Map<string, { tenantId: string; userId: string; authTime: number }>();

  /** Resolves the addressed realm, or passes the request on to the workforce routes. */
  const realmOf = (req: Request, kind: 'b2c' | 'ciam'): Realm | undefined => {
    const tenant = tenants.find((t) => t.kind === kind && t.matches(String(req.params.tenant)));
    if (!tenant) return undefined;
    if (kind === 'ciam') return realmFor(ctx, tenant);
    const policy = String(req.params.policy);
    const policyKind = tenant.policyKind(policy);
    return policyKind ? realmFor(ctx, tenant, tenant.policies[policyKind]) : undefined;
  };
  const kindOf = (realm: Realm): PolicyKind =>
    realm.policy ? (realm.tenant.policyKind(realm.policy) ?? 'signUpSignIn') : 'signUpSignIn';

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

  const action = (realm: Realm, name: string) => `${realm.base}/oauth2/v2.0/authorize/${name}`;
  const errorPage = (realm: Realm, res: Response, description: string) =>
    sendHtml(res, customerErrorPage(realm.tenant.displayName, description), 400);

  /** B2C's error descriptions: `AADB2C…: message` then correlation id and timestamp lines. */
  const describe = (req: Request, message: string) =>
    `${message}\r\nCorrelation ID: ${String(req.get('client-request-id') ?? randomUUID())}\r\nTimestamp: ${entraTimestamp(ctx.now())}`;

  const redirect = (res: Response, tx: Transaction, params: Record<string, string>) => {
    const url = new URL(tx.redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (tx.state !== undefined) url.searchParams.set('state', tx.state);
    res.set('Cache-Control', 'no-store').redirect(302, url.toString());
  };

  const sessionOf = (req: Request, realm: Realm) => {
    const s = sessions.get(parseCookies(req)[CUSTOMER_SESSION_COOKIE] ?? '');
    if (!s || s.tenantId !== realm.tenant.id) return undefined;
    const user = realm.tenant.user(s.userId);
    return user ? { user, authTime: s.authTime } : undefined;
  };

  /** Ends a flow: remembers the browser session, sends a code to the app. */
  const finish = (
    req: Request,
    res: Response,
    txId: string,
    tx: Transaction,
    userId: string,
    opts: { authTime?: number; newUser?: boolean } = {},
  ) => {
    transactions.take(txId);
    const user = tx.realm.tenant.user(userId);
    const client = tx.realm.tenant.app(tx.clientId);
    if (!user || !client) return errorPage(tx.realm, res, 'AADB2C99002: This user does not exist.');
    const authTime = opts.authTime ?? ctx.now();
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { tenantId: tx.realm.tenant.id, userId, authTime });
    res.cookie(CUSTOMER_SESSION_COOKIE, sid, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      path: '/',
    });
    const code = codes.add({
      realm: tx.realm,
      user,
      client,
      scopes: tx.scopes,
      authTime,
      nonce: tx.nonce,
      newUser: opts.newUser,
      redirectUri: tx.redirectUri,
      codeChallenge: tx.codeChallenge,
      createdAt: ctx.now(),
    });
    redirect(res, tx, { code });
  };

  const loginPage = (r: Realm, txId: string, error?: string) =>
    customerLoginPage({
      tenantName: r.tenant.displayName,
      action: action(r, 'login'),
      tx: txId,
      signUpUrl: `${action(r, 'signup')}?tx=${encodeURIComponent(txId)}`,
      forgotUrl:
        r.tenant.kind === 'b2c'
          ? `${action(r, 'forgot')}?tx=${encodeURIComponent(txId)}`
          : undefined,
      error,
    });

  /** Shows the first page of the flow (or, with a session, skips straight to the app). */
  const showFlow = (req: Request, res: Response, txId: string, tx: Transaction) => {
    const r = tx.realm;
    const session = sessionOf(req, r);
    if (tx.kind === 'resetPassword') {
      return sendHtml(
        res,
        resetPage({
          tenantName: r.tenant.displayName,
          action: action(r, 'reset'),
          tx: txId,
          step: 'email',
        }),
      );
    }
    if (tx.kind === 'editProfile' && session) {
      tx.userId = session.user.id;
      return sendHtml(
        res,
        editProfilePage({
          tenantName: r.tenant.displayName,
          action: action(r, 'edit'),
          tx: txId,
          displayName: session.user.displayName,
        }),
      );
    }
    if (tx.kind === 'signUpSignIn' && session && req.query.prompt !== 'login') {
      return finish(req, res, txId, tx, session.user.id, { authTime: session.authTime });
    }
    return sendHtml(res, loginPage(r, txId));
  };

  const authorize = (r: Realm, req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const str = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    const client = r.tenant.app(q.client_id);
    if (!client) {
      return errorPage(
        r,
        res,
        `AADB2C90018: The client id '${str('client_id') ?? ''}' specified in the request is not registered in tenant '${r.tenant.domain}'.`,
      );
    }
    const redirectUri = str('redirect_uri');
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return errorPage(
        r,
        res,
        `AADB2C90006: The redirect URI '${redirectUri ?? ''}' provided in the request is not registered for the client id '${client.clientId}'.`,
      );
    }
    const tx: Transaction = {
      realm: r,
      kind: kindOf(r),
      clientId: client.clientId,
      redirectUri,
      state: str('state'),
      nonce: str('nonce'),
      scopes: (str('scope') ?? 'openid').split(' ').filter(Boolean),
      codeChallenge: str('code_challenge'),
      createdAt: ctx.now(),
    };
    if (!(str('response_type') ?? '').split(' ').includes('code')) {
      return redirect(res, tx, {
        error: 'unsupported_response_type',
        error_description: describe(req, 'AADB2C90079: Only response_type=code is emulated.'),
      });
    }
    const unknown = tx.scopes.find(
      (s) =>
        !['openid', 'offline_access', 'profile', 'email', client.clientId].includes(s) &&
        !r.tenant.apiScope(s),
    );
    if (unknown) {
      return redirect(res, tx, {
        error: 'invalid_request',
        error_description: describe(
          req,
          `AADB2C90117: The scope '${unknown}' provided in the request is not supported.`,
        ),
      });
    }
    return showFlow(req, res, transactions.add(tx), tx);
  };

  /** GET links on the pages: `signup` (the sign-up form) and `forgot` (B2C's AADB2C90118). */
  const link = (r: Realm, req: Request, res: Response) => {
    const txId = req.query.tx;
    const tx = transactions.get(txId);
    if (!tx || tx.realm.base !== r.base)
      return errorPage(
        r,
        res,
        'AADB2C90208: The sign-in page has expired. Start again from the application.',
      );
    if (req.params.action === 'signup') {
      return sendHtml(
        res,
        signUpPage({
          tenantName: r.tenant.displayName,
          action: action(r, 'signup'),
          tx: String(txId),
        }),
      );
    }
    if (req.params.action === 'forgot' && r.tenant.kind === 'b2c') {
      transactions.take(txId);
      return redirect(res, tx, {
        error: 'access_denied',
        error_description: describe(req, 'AADB2C90118: The user has forgotten their password.'),
      });
    }
    return errorPage(r, res, 'AADB2C90208: Unknown step.');
  };

  /** POSTs from the pages: `login`, `signup`, `reset`, `edit`. */
  const step = (r: Realm, req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    const txId = body.tx;
    const tx = transactions.get(txId);
    if (!tx || tx.realm.base !== r.base)
      return errorPage(
        r,
        res,
        'AADB2C90208: The sign-in page has expired. Start again from the application.',
      );
    const t = r.tenant;
    const name = t.displayName;
    switch (req.params.action) {
      case 'login': {
        const user = t.userByEmail(body.login ?? '');
        if (!user || !safeEqual(user.password, body.passwd ?? '')) {
          return sendHtml(res, loginPage(r, txId, 'Your password is incorrect.'));
        }
        if (tx.kind === 'editProfile') {
          tx.userId = user.id;
          return sendHtml(
            res,
            editProfilePage({
              tenantName: name,
              action: action(r, 'edit'),
              tx: txId,
              displayName: user.displayName,
            }),
          );
        }
        return finish(req, res, txId, tx, user.id);
      }
      case 'signup': {
        const retry = (error: string) =>
          sendHtml(
            res,
            signUpPage({ tenantName: name, action: action(r, 'signup'), tx: txId, error }),
          );
        const email = (body.email ?? '').trim();
        const displayName = (body.displayName ?? '').trim();
        if (!/^[^@\s]+@[^@\s]+$/.test(email)) return retry('Please enter a valid email address.');
        if (!displayName) return retry('Please enter your display name.');
        const problem = passwordProblem(body.newPassword, body.reenterPassword);
        if (problem) return retry(problem);
        if (t.userByEmail(email))
          return retry(
            'A user with the specified ID already exists. Please choose a different one.',
          );
        const user = t.addUser({ email, password: body.newPassword, displayName });
        return finish(req, res, txId, tx, user.id, { newUser: true });
      }
      case 'reset': {
        if (tx.kind !== 'resetPassword') break;
        if (!tx.userId) {
          const user = t.userByEmail(body.email ?? '');
          if (!user) {
            return sendHtml(
              res,
              resetPage({
                tenantName: name,
                action: action(r, 'reset'),
                tx: txId,
                step: 'email',
                error: "We can't find an account with that email address.",
              }),
            );
          }
          tx.userId = user.id;
          return sendHtml(
            res,
            resetPage({ tenantName: name, action: action(r, 'reset'), tx: txId, step: 'password' }),
          );
        }
        const problem = passwordProblem(body.newPassword, body.reenterPassword);
        if (problem) {
          return sendHtml(
            res,
            resetPage({
              tenantName: name,
              action: action(r, 'reset'),
              tx: txId,
              step: 'password',
              error: problem,
            }),
          );
        }
        t.updateUser(tx.userId, { password: body.newPassword });
        return finish(req, res, txId, tx, tx.userId);
      }
      case 'edit': {
        if (tx.kind !== 'editProfile' || !tx.userId) break;
        const displayName = (body.displayName ?? '').trim();
        if (displayName) t.updateUser(tx.userId, { displayName });
        return finish(req, res, txId, tx, tx.userId);
      }
    }
    return errorPage(r, res, 'AADB2C90208: Unknown step.');
  };

  const tokenError = (
    req: Request,
    res: Response,
    status: number,
    error: string,
    message: string,
  ) =>
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ error, error_description: describe(req, message) });

  const token = (r: Realm, req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    const grantType = body.grant_type ?? '';
    const b2c = r.tenant.kind === 'b2c';
    if (grantType === JWT_BEARER || !['authorization_code', 'refresh_token'].includes(grantType)) {
      return tokenError(
        req,
        res,
        400,
        'unsupported_grant_type',
        b2c
          ? `AADB2C90086: The supplied grant_type [${grantType}] is not supported.`
          : `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [];
    const client = r.tenant.app(body.client_id ?? basicId);
    const secret = body.client_secret ?? basicSecret;
    if (!client) {
      return tokenError(
        req,
        res,
        400,
        'unauthorized_client',
        `AADB2C90018: The client id '${body.client_id ?? ''}' specified in the request is not registered in tenant '${r.tenant.domain}'.`,
      );
    }
    if (secret === undefined || !client.secrets.some((s) => safeEqual(s, secret))) {
      return tokenError(
        req,
        res,
        401,
        'invalid_client',
        'AADB2C90081: The specified client_secret does not match the expected value for this client.',
      );
    }
    let grant: CustomerGrant;
    if (grantType === 'authorization_code') {
      const code = codes.take(body.code);
      if (!code || code.realm.tenant !== r.tenant || code.client.clientId !== client.clientId) {
        return tokenError(
          req,
          res,
          400,
          'invalid_grant',
          'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.',
        );
      }
      if (body.redirect_uri !== code.redirectUri) {
        return tokenError(
          req,
          res,
          400,
          'invalid_request',
          'AADB2C90006: The redirect URI provided in the request does not match the one of the authorization request.',
        );
      }
      if (code.codeChallenge) {
        const verifier = body.code_verifier ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(computed, code.codeChallenge)) {
          return tokenError(
            req,
            res,
            400,
            'invalid_grant',
            'AADB2C90183: The supplied code_verifier is invalid.',
          );
        }
      }
      grant = code;
    } else {
      const stored = refreshTokens.get(body.refresh_token ?? '');
      if (
        !stored ||
        stored.realm.tenant !== r.tenant ||
        stored.client.clientId !== client.clientId
      ) {
        return tokenError(
          req,
          res,
          400,
          'invalid_grant',
          'AADB2C90080: The provided grant has expired. Please re-authenticate and try again.',
        );
      }
      const user = r.tenant.user(stored.user.id);
      if (!user)
        return tokenError(req, res, 400, 'invalid_grant', 'AADB2C99002: This user does not exist.');
      const requested = (body.scope ?? '').split(' ').filter(Boolean);
      grant = {
        ...stored,
        user,
        scopes: requested.length > 0 ? requested : stored.scopes,
        nonce: undefined,
        newUser: false,
      };
    }
    let refresh: string | undefined;
    if (grant.scopes.includes('offline_access')) {
      refresh = randomBytes(48).toString('base64url');
      const oldest = refreshTokens.keys().next().value;
      if (refreshTokens.size >= MAX_ENTRIES && oldest !== undefined) refreshTokens.delete(oldest);
      refreshTokens.set(refresh, {
        ...grant,
        scopes: [...new Set([...grant.scopes, 'offline_access'])],
      });
    }
    const user = r.tenant.user(grant.user.id) ?? grant.user;
    return res
      .set('Cache-Control', 'no-store')
      .json(issueCustomerTokens(ctx, { ...grant, user }, refresh));
  };

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

function passwordProblem(password?: string, again?: string): string | undefined {
  if (!password || password.length < 8) return 'The password must be at least 8 characters.';
  if (password !== again) return 'The password entry fields do not match.';
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
