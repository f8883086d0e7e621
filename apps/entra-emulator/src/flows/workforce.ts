import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { AadError } from '../errors/wire';
import { claimsRequestStepUp, parseClaims } from '../grants/claims';
import { consentRequired } from '../grants/user-checks';
import { safeEqual } from '../safe-equal';
import type { SeedApp } from '../seed/schema';
import type { Session, Transaction } from '../store';
import type { Realm } from '../tenants/tenant';
import type { WorkforceTenant } from '../tenants/workforce';
import { sendHtml } from '../views/html';
import { consentPage, loginPage, mfaPage, pickerPage } from '../views/pages';
import { beginAuthorize } from './authorize-request';
import { browserOf, fromSameBrowser, sessionOf, startSession } from './browser';
import { pageAction, type SignInJourney } from './journey';
import { redirectError, respondToClient } from './respond';

type Step = 'login' | 'select' | 'mfa' | 'consent';
const STEPS: readonly string[] = ['login', 'select', 'mfa', 'consent'];

/** Entra's sign-in: account → password → MFA → consent → code. */
export class WorkforceSignIn implements SignInJourney {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly tenant: WorkforceTenant,
  ) {}

  start(realm: Realm, req: Request, res: Response, query: Record<string, unknown>): void {
    const begun = beginAuthorize(this.ctx, realm, req, res, query);
    if (!begun) return;
    const { params } = begun;
    try {
      this.ctx.directory.parseScopeSet(params.scope);
      parseClaims(params.claims);
    } catch (err) {
      if (err instanceof AadError) return redirectError(this.ctx, realm, req, res, params, err);
      throw err;
    }
    const tx = this.ctx.store.createTransaction(realm, params, browserOf(req, res, this.tenant));
    return this.advance(req, res, tx, sessionOf(this.ctx, req, this.tenant));
  }

  link(): boolean {
    return false;
  }

  step(realm: Realm, req: Request, res: Response, action: string): boolean {
    if (!STEPS.includes(action)) return false;
    const body = req.body as Record<string, string>;
    const tx = this.ctx.store.transaction(body.tx);
    if (!tx || tx.realm.base !== realm.base || !fromSameBrowser(req, tx)) {
      throw aad.signInExpired();
    }
    this.apply(action as Step, req, res, tx, body);
    return true;
  }

  private apply(
    step: Step,
    req: Request,
    res: Response,
    tx: Transaction,
    body: Record<string, string>,
  ): void {
    const { ctx } = this;
    let session = sessionOf(ctx, req, this.tenant);
    if (step === 'login') {
      ctx.counters.login += 1;
      const user = ctx.directory.user(body.login?.trim());
      if (!user || !safeEqual(user.password, body.passwd ?? '')) {
        const err = aad.badPassword();
        return this.render(res, tx, 'login', `${err.code}: ${err.message}`);
      }
      if (ctx.criticalEvents.disabled(user.id)) {
        const err = aad.userDisabled();
        return this.render(res, tx, 'login', `${err.code}: ${err.message}`);
      }
      const authTime = ctx.now();
      ctx.criticalEvents.signedIn(user.id, authTime);
      session ??= startSession(ctx, res, this.tenant);
      session.accounts.set(user.id, { authTime, strength: { amr: ['pwd'], acrs: [] } });
      Object.assign(tx, { userId: user.id, loginDone: true, selected: true });
    } else if (step === 'select') {
      if (body.account === 'other' || !session?.accounts.has(body.account)) {
        return this.render(res, tx, 'login');
      }
      Object.assign(tx, { userId: body.account, selected: true });
    } else if (step === 'mfa') {
      const account = tx.userId ? session?.accounts.get(tx.userId) : undefined;
      if (!account || body.approve !== 'yes') return this.render(res, tx, 'login');
      const claims = parseClaims(tx.params.claims);
      account.strength = {
        amr: ['pwd', 'mfa'],
        acrs: [...new Set([...account.strength.acrs, ...claims.acrs])],
      };
      tx.mfaDone = true;
    } else {
      if (body.accept !== 'yes') {
        const declined = new AadError(
          65004,
          'access_denied',
          'User declined to consent to access the app.',
        );
        return redirectError(ctx, tx.realm, req, res, tx.params, declined);
      }
      const user = ctx.directory.user(tx.userId);
      const app = ctx.directory.app(tx.params.client_id);
      if (!user || !app) return this.render(res, tx, 'login');
      for (const request of ctx.directory.parseScopeSet(tx.params.scope)) {
        if (request.implicit) continue;
        const permissions = request.isDefault
          ? ctx.directory.requiredScopes(app, request.resource)
          : request.permissions;
        ctx.directory.grantConsent(user, app, request.resource, permissions);
      }
      tx.consentDone = true;
    }
    return this.advance(req, res, tx, session);
  }

  /** Runs the sign-in state machine: account → password → MFA → consent → code. */
  private advance(
    req: Request,
    res: Response,
    tx: Transaction,
    session: Session | undefined,
  ): void {
    const { ctx } = this;
    const p = tx.params;
    const none = p.prompt === 'none';
    const deny = (err: AadError) => redirectError(ctx, tx.realm, req, res, p, err);

    if (!tx.loginDone && (p.prompt === 'login' || p.prompt === 'create'))
      return this.render(res, tx, 'login');
    if (!tx.userId) {
      let accounts = [...(session?.accounts.keys() ?? [])];
      const hint = p.login_hint ? ctx.directory.user(p.login_hint) : undefined;
      if (p.login_hint) accounts = accounts.filter((id) => id === hint?.id);
      if (p.prompt === 'select_account' && !tx.selected && (session?.accounts.size ?? 0) > 0) {
        return this.render(res, tx, 'select', undefined, session);
      }
      if (accounts.length === 0) {
        if (none) return deny(aad.loginRequired());
        return this.render(res, tx, 'login');
      }
      if (accounts.length > 1) {
        if (none)
          return deny(
            new AadError(
              16000,
              'interaction_required',
              'Multiple user identities are available for the current request.',
            ),
          );
        return this.render(res, tx, 'select', undefined, session);
      }
      tx.userId = accounts[0];
    }
    const user = ctx.directory.user(tx.userId);
    const account = user ? session?.accounts.get(user.id) : undefined;
    const app = ctx.directory.app(p.client_id);
    if (!user || !account || !app) {
      if (none) return deny(aad.loginRequired());
      tx.userId = undefined;
      return this.render(res, tx, 'login');
    }
    const requests = ctx.directory.parseScopeSet(p.scope);
    const claims = parseClaims(p.claims);
    // A CAE challenge's `nbf`: an authentication from before it does not do; ask again.
    if (claims.nbf !== undefined && account.authTime < claims.nbf * 1000 && !tx.loginDone) {
      if (none) return deny(aad.loginRequired());
      return this.render(res, tx, 'login');
    }
    const needsMfa =
      claimsRequestStepUp(claims) ||
      requests.some((r) => ctx.directory.mfaPolicy(user, r.resource) !== undefined);
    if (needsMfa && !account.strength.amr.includes('mfa') && !tx.mfaDone) {
      if (none)
        return deny(
          new AadError(50076, 'interaction_required', 'Multi-factor authentication is required.'),
        );
      return this.render(res, tx, 'mfa', undefined, session);
    }
    if (!tx.consentDone) {
      const missing = requests.some((request) => {
        if (request.implicit) return false;
        const consented = ctx.directory.consentedScopes(user, app, request.resource);
        return request.isDefault
          ? consented.size === 0
          : request.permissions.some((s) => !consented.has(s));
      });
      if (missing || (p.prompt === 'consent' && requests.some((r) => !r.implicit))) {
        if (none) return deny(consentRequired(app));
        return this.render(res, tx, 'consent', undefined, session);
      }
    }
    const code = this.tenant.store.createCode({
      clientId: app.clientId,
      redirectUri: p.redirect_uri,
      codeChallenge: p.code_challenge,
      codeChallengeMethod: p.code_challenge
        ? ((p.code_challenge_method ?? 'plain') as 'S256' | 'plain')
        : undefined,
      grant: {
        userId: user.id,
        scope: p.scope,
        nonce: p.nonce,
        strength: account.strength,
        capabilities: claims.capabilities,
        sid: session?.sid ?? '',
        authTime: account.authTime,
      },
    });
    ctx.store.transactions.delete(tx.id);
    const fields: Record<string, string> = { code };
    if (p.state !== undefined) fields.state = p.state;
    if (session) fields.session_state = session.sid;
    return respondToClient(tx.realm, res, p, fields);
  }

  /** The page for one step of the sign-in. */
  private render(
    res: Response,
    tx: Transaction,
    view: Step,
    error?: string,
    session?: Session,
  ): void {
    const { ctx } = this;
    const tenantName = this.tenant.displayName;
    const action = pageAction(tx.realm, view);
    const app = ctx.directory.app(tx.params.client_id) as SeedApp;
    const user = ctx.directory.user(tx.userId);
    if (view === 'select') {
      const accounts = [...(session?.accounts.keys() ?? [])]
        .map((id) => ctx.directory.user(id))
        .filter((u) => u !== undefined);
      return sendHtml(res, pickerPage({ tenantName, action, tx: tx.id, accounts }));
    }
    if (view === 'login' || !user) {
      const login = {
        tenantName,
        action: pageAction(tx.realm, 'login'),
        tx: tx.id,
        error,
        look: this.tenant.loginLook,
        clientName: app.displayName,
        loginHint: tx.params.login_hint,
      };
      return sendHtml(res, loginPage(login));
    }
    if (view === 'mfa') return sendHtml(res, mfaPage({ tenantName, action, tx: tx.id, user }));
    // Entra asks only for what the user has not consented to yet (incremental consent); with
    // prompt=consent, for everything the request names.
    const everything = tx.params.prompt === 'consent';
    const permissions = ctx.directory
      .parseScopeSet(tx.params.scope)
      .filter((request) => !request.implicit)
      .flatMap((request) => {
        const consented = everything
          ? new Set<string>()
          : ctx.directory.consentedScopes(user, app, request.resource);
        return (
          request.isDefault
            ? ctx.directory.requiredScopes(app, request.resource)
            : request.permissions
        )
          .filter((s) => !consented.has(s))
          .map((s) => `${request.resource.displayName}: ${s}`);
      });
    const clientName = app.displayName;
    return sendHtml(
      res,
      consentPage({ tenantName, action, tx: tx.id, clientName, permissions, user }),
    );
  }
}
