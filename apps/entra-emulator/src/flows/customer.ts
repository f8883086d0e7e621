import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { isOidcScope } from '../directory';
import { b2cOnly } from '../errors/customer';
import { aad } from '../errors/entra';
import { safeEqual } from '../safe-equal';
import type { SeedCustomerUser } from '../seed/schema';
import type { Transaction } from '../store';
import type { PolicyKind } from '../tenants/customer/directory';
import { editProfilePage, resetPage, signUpPage } from '../tenants/customer/pages';
import type { CustomerTenant } from '../tenants/customer/tenant';
import type { Realm } from '../tenants/tenant';
import { sendHtml } from '../views/html';
import { loginPage, pickerPage } from '../views/pages';
import { beginAuthorize } from './authorize-request';
import { browserOf, fromSameBrowser, sessionOf, startSession } from './browser';
import { pageAction, type SignInJourney } from './journey';
import { redirectError, respondToClient } from './respond';

/**
 * The user flows of a B2C tenant (sign-up/sign-in with B2C's "Forgot your password?", password
 * reset, profile editing; each its own policy) and of an External ID tenant (sign-up/sign-in,
 * honouring Entra's prompts). Each flow ends with a code for the app.
 */
export class CustomerSignIn implements SignInJourney {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly tenant: CustomerTenant,
  ) {}

  start(realm: Realm, req: Request, res: Response, query: Record<string, unknown>): void {
    const { ctx } = this;
    const begun = beginAuthorize(ctx, realm, req, res, query);
    if (!begun) return;
    const { app, params } = begun;
    const unknown = scopesOf(params).find(
      (s) => !isOidcScope(s) && s !== app.clientId && !this.tenant.directory.resolveScope(s),
    );
    if (unknown) {
      return redirectError(ctx, realm, req, res, params, this.tenant.errors.invalidScope(unknown));
    }
    const tx = ctx.store.createTransaction(realm, params, browserOf(req, res, this.tenant));
    return this.show(req, res, tx);
  }

  /** Links on the pages: `signup` (the sign-up form) and `forgot` (B2C's AADB2C90118). */
  link(realm: Realm, req: Request, res: Response, action: string): boolean {
    const txId = req.query.tx;
    const tx = this.transaction(realm, req, txId);
    if (action === 'signup') {
      sendHtml(res, this.signUp(tx));
    } else if (action === 'forgot' && this.tenant.kind === 'b2c') {
      this.ctx.store.transactions.delete(tx.id);
      redirectError(this.ctx, realm, req, res, tx.params, b2cOnly.forgotPassword());
    } else {
      throw this.tenant.errors.signInExpired('Unknown step.');
    }
    return true;
  }

  /** Forms on the pages: `login`, `select`, `signup`, `reset`, `edit`. */
  step(realm: Realm, req: Request, res: Response, action: string): boolean {
    const body = req.body as Record<string, string>;
    const tx = this.transaction(realm, req, body.tx);
    const directory = this.tenant.directory;
    const kind = this.kindOf(tx);
    switch (action) {
      case 'login': {
        const user = directory.userByEmail(body.login ?? '');
        if (!user || !safeEqual(user.password, body.passwd ?? '')) {
          sendHtml(res, this.login(tx, 'Your password is incorrect.'));
        } else if (kind === 'editProfile') {
          tx.userId = user.id;
          sendHtml(res, this.editProfile(tx, user));
        } else {
          this.finish(req, res, tx, user.id);
        }
        return true;
      }
      case 'select': {
        const session = this.session(req);
        if (kind !== 'signUpSignIn' || !session || body.account !== session.user.id) {
          sendHtml(res, this.login(tx));
        } else {
          this.finish(req, res, tx, session.user.id, { authTime: session.authTime });
        }
        return true;
      }
      case 'signup': {
        const retry = (error: string) => sendHtml(res, this.signUp(tx, error));
        const email = (body.email ?? '').trim();
        const displayName = (body.displayName ?? '').trim();
        const problem = !/^[^@\s]+@[^@\s]+$/.test(email)
          ? 'Please enter a valid email address.'
          : !displayName
            ? 'Please enter your display name.'
            : (passwordProblem(body.newPassword, body.reenterPassword) ??
              (directory.userByEmail(email)
                ? 'A user with the specified ID already exists. Please choose a different one.'
                : undefined));
        if (problem) {
          retry(problem);
        } else {
          const user = directory.addUser({ email, password: body.newPassword, displayName });
          this.finish(req, res, tx, user.id, { newUser: true });
        }
        return true;
      }
      case 'reset':
        if (kind !== 'resetPassword') break;
        this.reset(req, res, tx, body);
        return true;
      case 'edit': {
        if (kind !== 'editProfile' || !tx.userId) break;
        const displayName = (body.displayName ?? '').trim();
        if (displayName) directory.updateUser(tx.userId, { displayName });
        this.finish(req, res, tx, tx.userId);
        return true;
      }
    }
    throw this.tenant.errors.signInExpired('Unknown step.');
  }

  /** Password reset: which account (by email), then the new password. */
  private reset(req: Request, res: Response, tx: Transaction, body: Record<string, string>) {
    const directory = this.tenant.directory;
    const page = (step: 'email' | 'password', error?: string) =>
      sendHtml(res, resetPage({ ...this.form(tx, 'reset'), step, error }));
    if (!tx.userId) {
      const user = directory.userByEmail(body.email ?? '');
      if (!user) return page('email', "We can't find an account with that email address.");
      tx.userId = user.id;
      return page('password');
    }
    const problem = passwordProblem(body.newPassword, body.reenterPassword);
    if (problem) return page('password', problem);
    directory.updateUser(tx.userId, { password: body.newPassword });
    return this.finish(req, res, tx, tx.userId);
  }

  /** The first page of the flow (or, with a session, straight back to the app). */
  private show(req: Request, res: Response, tx: Transaction): void {
    const session = this.session(req);
    const kind = this.kindOf(tx);
    const prompt = tx.params.prompt;
    if (kind === 'resetPassword') {
      return sendHtml(res, resetPage({ ...this.form(tx, 'reset'), step: 'email' }));
    }
    if (kind === 'editProfile' && session) {
      tx.userId = session.user.id;
      return sendHtml(res, this.editProfile(tx, session.user));
    }
    if (kind === 'signUpSignIn') {
      if (prompt === 'create') return sendHtml(res, this.signUp(tx));
      if (session && prompt === 'select_account') {
        const accounts = [
          {
            id: session.user.id,
            displayName: session.user.displayName,
            userPrincipalName: session.user.email,
          },
        ];
        return sendHtml(res, pickerPage({ ...this.form(tx, 'select'), accounts }));
      }
      if (session && prompt !== 'login') {
        return this.finish(req, res, tx, session.user.id, { authTime: session.authTime });
      }
      if (prompt === 'none') {
        this.ctx.store.transactions.delete(tx.id);
        return redirectError(this.ctx, tx.realm, req, res, tx.params, aad.loginRequired());
      }
    }
    return sendHtml(res, this.login(tx));
  }

  /** Ends a flow: a new browser session, and a code for the app. */
  private finish(
    req: Request,
    res: Response,
    tx: Transaction,
    userId: string,
    opts: { authTime?: number; newUser?: boolean } = {},
  ): void {
    const { ctx, tenant } = this;
    ctx.store.transactions.delete(tx.id);
    const user = tenant.user(userId);
    const client = tenant.app(tx.params.client_id);
    if (!user || !client) throw tenant.errors.userGone();
    const authTime = opts.authTime ?? ctx.now();
    startSession(ctx, res, tenant).accounts.set(user.id, {
      authTime,
      strength: { amr: ['pwd'], acrs: [] },
    });
    const { params } = tx;
    const code = tenant.store.createCode({
      clientId: client.clientId,
      redirectUri: params.redirect_uri,
      codeChallenge: params.code_challenge,
      codeChallengeMethod: params.code_challenge
        ? ((params.code_challenge_method ?? 'plain') as 'S256' | 'plain')
        : undefined,
      grant: {
        policy: tx.realm.policy,
        userId: user.id,
        scopes: scopesOf(params),
        authTime,
        nonce: params.nonce,
        newUser: opts.newUser,
      },
    });
    return respondToClient(tx.realm, res, params, { code });
  }

  /** The sign-in still in progress on this browser for this user flow; else B2C's AADB2C90208. */
  private transaction(realm: Realm, req: Request, id: unknown): Transaction {
    const tx = this.ctx.store.transaction(id);
    if (!tx || tx.realm.base !== realm.base || !fromSameBrowser(req, tx)) {
      throw this.tenant.errors.signInExpired();
    }
    return tx;
  }

  /** The signed-in account of this browser (one per session in these tenants). */
  private session(req: Request): { user: SeedCustomerUser; authTime: number } | undefined {
    const session = sessionOf(this.ctx, req, this.tenant);
    const [account] = session?.accounts ?? [];
    const user = account && this.tenant.user(account[0]);
    return user ? { user, authTime: account[1].authTime } : undefined;
  }

  private kindOf(tx: Transaction): PolicyKind {
    const { policy } = tx.realm;
    return (policy && this.tenant.directory.policyKind(policy)) || 'signUpSignIn';
  }

  /** What every form of the flow needs: the tenant's name, where it posts, the sign-in. */
  private form(tx: Transaction, action: string) {
    return {
      tenantName: this.tenant.displayName,
      action: pageAction(tx.realm, action),
      tx: tx.id,
    };
  }

  private login(tx: Transaction, error?: string): string {
    const link = (action: string) =>
      `${pageAction(tx.realm, action)}?tx=${encodeURIComponent(tx.id)}`;
    return loginPage({
      ...this.form(tx, 'login'),
      look: this.tenant.loginLook,
      error,
      signUpUrl: link('signup'),
      forgotUrl: this.tenant.kind === 'b2c' ? link('forgot') : undefined,
    });
  }

  private signUp(tx: Transaction, error?: string): string {
    return signUpPage({ ...this.form(tx, 'signup'), error });
  }

  private editProfile(tx: Transaction, user: SeedCustomerUser): string {
    return editProfilePage({ ...this.form(tx, 'edit'), displayName: user.displayName });
  }
}

function scopesOf(params: Record<string, string>): string[] {
  return (params.scope ?? 'openid').split(' ').filter(Boolean);
}

function passwordProblem(password?: string, again?: string): string | undefined {
  if (!password || password.length < 8) return 'The password must be at least 8 characters.';
  if (password !== again) return 'The password entry fields do not match.';
  return undefined;
}
