import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { parseCookies } from '../http';
import type { SeedCustomerUser } from '../seed/schema';
import { sendHtml } from '../views/html';
import { pickerPage } from '../views/pages';
import { oauthRedirectFields } from '../errors/render';
import { AadError, type OAuthErrorCode } from '../errors/wire';
import { customerLoginPage, editProfilePage, resetPage, signUpPage } from './pages';
import {
  CUSTOMER_SESSION_COOKIE,
  FLOW_COOKIE,
  safeEqual,
  type CustomerState,
  type Transaction,
} from './state';
import type { PolicyKind } from './tenant';
import type { Realm } from './tokens';

/** Handlers of one request, for the realm the path addressed. */
export type RealmHandler = (realm: Realm, req: Request, res: Response) => unknown;

/**
 * The user-flow pages behind `/authorize`: sign-up/sign-in (and sign-up, and B2C's "Forgot your
 * password?"), password reset and profile editing. Each flow ends with a code for the app.
 */
export function flowHandlers(
  ctx: EmulatorContext,
  state: CustomerState,
): { authorize: RealmHandler; link: RealmHandler; step: RealmHandler } {
  const { transactions, codes, sessions } = state;
  const kindOf = (realm: Realm): PolicyKind =>
    realm.policy ? (realm.tenant.policyKind(realm.policy) ?? 'signUpSignIn') : 'signUpSignIn';

  const action = (realm: Realm, name: string) => `${realm.base}/oauth2/v2.0/authorize/${name}`;
  const b2cError = (code: number, error: OAuthErrorCode, message: string) =>
    new AadError(code, error, message, { prefix: 'AADB2C' });
  /** The sign-in pages cannot be used any more (expired, another browser, unknown step). */
  const expired = (message = 'The sign-in page has expired. Start again from the application.') =>
    b2cError(90208, 'invalid_request', message);
  const redirectError = (req: Request, res: Response, tx: Transaction, err: AadError) =>
    redirect(res, tx, oauthRedirectFields(ctx, req, res, err));

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
    if (!user || !client) throw b2cError(99002, 'invalid_grant', 'This user does not exist.');
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

  const signUp = (r: Realm, txId: string, error?: string) =>
    signUpPage({ tenantName: r.tenant.displayName, action: action(r, 'signup'), tx: txId, error });

  /** External ID's account picker: the signed-in account, or "Use another account". */
  const picker = (r: Realm, txId: string, user: SeedCustomerUser) =>
    pickerPage({
      tenantName: r.tenant.displayName,
      action: action(r, 'select'),
      tx: txId,
      accounts: [{ id: user.id, displayName: user.displayName, userPrincipalName: user.email }],
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
    if (tx.kind === 'signUpSignIn') {
      if (tx.prompt === 'create') return sendHtml(res, signUp(r, txId));
      if (session && tx.prompt === 'select_account')
        return sendHtml(res, picker(r, txId, session.user));
      if (session && tx.prompt !== 'login') {
        return finish(req, res, txId, tx, session.user.id, { authTime: session.authTime });
      }
      if (tx.prompt === 'none') {
        transactions.take(txId);
        return redirectError(
          req,
          res,
          tx,
          new AadError(
            50058,
            'login_required',
            'A silent sign-in request was sent but no user is signed in.',
          ),
        );
      }
    }
    return sendHtml(res, loginPage(r, txId));
  };

  const authorize = (r: Realm, req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const str = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    const client = r.tenant.app(q.client_id);
    if (!client) {
      throw b2cError(
        90018,
        'unauthorized_client',
        `The client id '${str('client_id') ?? ''}' specified in the request is not registered in tenant '${r.tenant.domain}'.`,
      );
    }
    const redirectUri = str('redirect_uri');
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      throw b2cError(
        90006,
        'invalid_request',
        `The redirect URI '${redirectUri ?? ''}' provided in the request is not registered for the client id '${client.clientId}'.`,
      );
    }
    // External ID is Entra: it honours Entra's prompts. B2C honours only prompt=login.
    const prompt = str('prompt');
    const binding = parseCookies(req)[FLOW_COOKIE] || randomBytes(24).toString('base64url');
    res.cookie(FLOW_COOKIE, binding, { httpOnly: true, secure: true, sameSite: 'none', path: '/' });
    const tx: Transaction = {
      binding,
      realm: r,
      kind: kindOf(r),
      clientId: client.clientId,
      redirectUri,
      state: str('state'),
      nonce: str('nonce'),
      scopes: (str('scope') ?? 'openid').split(' ').filter(Boolean),
      codeChallenge: str('code_challenge'),
      prompt: r.tenant.kind === 'ciam' || prompt === 'login' ? prompt : undefined,
      createdAt: ctx.now(),
    };
    if (r.tenant.kind === 'ciam' && prompt !== undefined && !CIAM_PROMPTS.includes(prompt)) {
      return redirectError(
        req,
        res,
        tx,
        new AadError(90023, 'invalid_request', `Invalid prompt value '${prompt}'.`),
      );
    }
    if (!(str('response_type') ?? '').split(' ').includes('code')) {
      return redirectError(
        req,
        res,
        tx,
        b2cError(90079, 'unsupported_response_type', 'Only response_type=code is emulated.'),
      );
    }
    const unknown = tx.scopes.find(
      (s) =>
        !['openid', 'offline_access', 'profile', 'email', client.clientId].includes(s) &&
        !r.tenant.resolveScope(s),
    );
    if (unknown) {
      return redirectError(
        req,
        res,
        tx,
        b2cError(
          90117,
          'invalid_request',
          `The scope '${unknown}' provided in the request is not supported.`,
        ),
      );
    }
    return showFlow(req, res, transactions.add(tx), tx);
  };

  /** GET links on the pages: `signup` (the sign-up form) and `forgot` (B2C's AADB2C90118). */
  const link = (r: Realm, req: Request, res: Response) => {
    const txId = req.query.tx;
    const tx = transactions.get(txId);
    if (!tx || tx.realm.base !== r.base || !boundTo(req, tx)) throw expired();
    if (req.params.action === 'signup') return sendHtml(res, signUp(r, String(txId)));
    if (req.params.action === 'forgot' && r.tenant.kind === 'b2c') {
      transactions.take(txId);
      return redirectError(
        req,
        res,
        tx,
        b2cError(90118, 'access_denied', 'The user has forgotten their password.'),
      );
    }
    throw expired('Unknown step.');
  };

  /** POSTs from the pages: `login`, `signup`, `reset`, `edit`. */
  const step = (r: Realm, req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    const txId = body.tx;
    const tx = transactions.get(txId);
    if (!tx || tx.realm.base !== r.base || !boundTo(req, tx)) throw expired();
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
      case 'select': {
        const session = sessionOf(req, r);
        if (tx.kind !== 'signUpSignIn' || !session || body.account !== session.user.id) {
          return sendHtml(res, loginPage(r, txId));
        }
        return finish(req, res, txId, tx, session.user.id, { authTime: session.authTime });
      }
      case 'signup': {
        const retry = (error: string) => sendHtml(res, signUp(r, txId, error));
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
    throw expired('Unknown step.');
  };

  return { authorize, link, step };
}

/** The prompts External ID accepts (consent is a no-op: its apps are admin-consented). */
const CIAM_PROMPTS = ['login', 'none', 'select_account', 'consent', 'create'];

function boundTo(req: Request, tx: Transaction): boolean {
  const cookie = parseCookies(req)[FLOW_COOKIE];
  return cookie !== undefined && safeEqual(cookie, tx.binding);
}

function passwordProblem(password?: string, again?: string): string | undefined {
  if (!password || password.length < 8) return 'The password must be at least 8 characters.';
  if (password !== again) return 'The password entry fields do not match.';
  return undefined;
}
