import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import { AadError } from '../errors/wire';
import { claimsRequestStepUp, parseClaims } from '../grants/claims';
import { consentRequired } from '../grants/user-checks';
import { parseCookies } from '../http';
import { token, type Session, type Transaction } from '../store';
import { redirectError, renderStep, respondToClient } from './authorize-output';

/** Name of the emulator's browser-session cookie. */
export const SESSION_COOKIE = 'emulator_session';
/** Identifies the browser a sign-in flow belongs to. */
export const FLOW_COOKIE = 'emulator_flow';
const PROMPTS = ['none', 'login', 'consent', 'select_account', 'create'];
const RESPONSE_MODES = ['query', 'fragment', 'form_post'];

/** The authorize state machine: account → password → MFA → consent → code. */
export class AuthorizeFlow {
  constructor(private readonly ctx: EmulatorContext) {}

  /**
   * Validates the request (`query`: the v2 parameters, by default the request's own); errors
   * before the redirect URI is trusted render a page, never redirect.
   */
  start(req: Request, res: Response, query: Record<string, unknown> = req.query): void {
    const tenant = String(req.params.tenant);
    const q = Object.fromEntries(
      Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    if (!this.ctx.directory.knowsTenant(tenant)) throw aad.unknownTenant(tenant);
    if (!q.client_id) throw aad.missingParameter('client_id');
    const app = this.ctx.directory.app(q.client_id);
    if (!app) throw aad.unknownClient(q.client_id, tenant);
    if (!q.redirect_uri || !app.redirectUris.includes(q.redirect_uri)) {
      throw new AadError(
        50011,
        'invalid_request',
        `The redirect URI '${q.redirect_uri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
      );
    }
    if (q.response_mode && !RESPONSE_MODES.includes(q.response_mode)) q.response_mode = 'query';
    const fail = (err: AadError) => redirectError(this.ctx, req, res, q, err);
    if (q.response_type !== 'code') {
      return fail(
        new AadError(
          700054,
          'unsupported_response_type',
          `response_type '${q.response_type ?? ''}' is not supported; use 'code'.`,
        ),
      );
    }
    if (q.prompt && !PROMPTS.includes(q.prompt)) {
      return fail(new AadError(90023, 'invalid_request', `Invalid prompt value '${q.prompt}'.`));
    }
    if (q.code_challenge_method && !['S256', 'plain'].includes(q.code_challenge_method)) {
      return fail(
        new AadError(
          501491,
          'invalid_request',
          "Invalid code_challenge_method; use 'S256' or 'plain'.",
        ),
      );
    }
    try {
      this.ctx.directory.parseScopeSet(q.scope);
      parseClaims(q.claims);
    } catch (err) {
      if (err instanceof AadError) return fail(err);
      throw err;
    }
    const tx = this.ctx.store.createTransaction(tenant, q, this.browser(req, res));
    return this.advance(req, res, tx, this.session(req));
  }

  step(step: 'login' | 'select' | 'mfa' | 'consent', req: Request, res: Response): void {
    const body = req.body as Record<string, string>;
    const tx = this.ctx.store.transaction(body.tx);
    // The flow cookie binds the pages to the browser that opened them (no login CSRF).
    if (!tx || tx.tenant !== req.params.tenant || parseCookies(req)[FLOW_COOKIE] !== tx.browser) {
      throw new AadError(
        50058,
        'login_required',
        'The sign-in session expired. Start again from the application.',
      );
    }
    let session = this.session(req);
    if (step === 'login') {
      this.ctx.counters.login += 1;
      const user = this.ctx.directory.user(body.login?.trim());
      if (!user || user.password !== body.passwd) {
        const err = aad.badPassword();
        return renderStep(this.ctx, res, tx, 'login', `AADSTS${err.aadsts}: ${err.message}`);
      }
      session ??= this.newSession(res);
      session.accounts.set(user.id, {
        authTime: this.ctx.now(),
        strength: { amr: ['pwd'], acrs: [] },
      });
      Object.assign(tx, { userId: user.id, loginDone: true, selected: true });
    } else if (step === 'select') {
      if (body.account === 'other' || !session?.accounts.has(body.account)) {
        return renderStep(this.ctx, res, tx, 'login');
      }
      Object.assign(tx, { userId: body.account, selected: true });
    } else if (step === 'mfa') {
      const account = tx.userId ? session?.accounts.get(tx.userId) : undefined;
      if (!account || body.approve !== 'yes') return renderStep(this.ctx, res, tx, 'login');
      const claims = parseClaims(tx.params.claims);
      account.strength = {
        amr: ['pwd', 'mfa'],
        acrs: [...new Set([...account.strength.acrs, ...claims.acrs])],
      };
      tx.mfaDone = true;
    } else {
      if (body.accept !== 'yes') {
        return redirectError(
          this.ctx,
          req,
          res,
          tx.params,
          new AadError(65004, 'access_denied', 'User declined to consent to access the app.'),
        );
      }
      const user = this.ctx.directory.user(tx.userId);
      const app = this.ctx.directory.app(tx.params.client_id);
      if (!user || !app) return renderStep(this.ctx, res, tx, 'login');
      for (const request of this.ctx.directory.parseScopeSet(tx.params.scope)) {
        if (request.implicit) continue;
        const permissions = request.isDefault
          ? this.ctx.directory.requiredScopes(app, request.resource)
          : request.permissions;
        this.ctx.directory.grantConsent(user, app, request.resource, permissions);
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
    const p = tx.params;
    const none = p.prompt === 'none';
    const deny = (
      error: 'login_required' | 'interaction_required',
      code: number,
      message: string,
    ) => redirectError(this.ctx, req, res, p, new AadError(code, error, message));

    if (!tx.loginDone && (p.prompt === 'login' || p.prompt === 'create'))
      return renderStep(this.ctx, res, tx, 'login');
    if (!tx.userId) {
      let accounts = [...(session?.accounts.keys() ?? [])];
      const hint = p.login_hint ? this.ctx.directory.user(p.login_hint) : undefined;
      if (p.login_hint) accounts = accounts.filter((id) => id === hint?.id);
      if (p.prompt === 'select_account' && !tx.selected && (session?.accounts.size ?? 0) > 0) {
        return renderStep(this.ctx, res, tx, 'select', undefined, session);
      }
      if (accounts.length === 0) {
        if (none)
          return deny(
            'login_required',
            50058,
            'A silent sign-in request was sent but no user is signed in.',
          );
        return renderStep(this.ctx, res, tx, 'login');
      }
      if (accounts.length > 1) {
        if (none)
          return deny(
            'interaction_required',
            16000,
            'Multiple user identities are available for the current request.',
          );
        return renderStep(this.ctx, res, tx, 'select', undefined, session);
      }
      tx.userId = accounts[0];
    }
    const user = this.ctx.directory.user(tx.userId);
    const account = user ? session?.accounts.get(user.id) : undefined;
    const app = this.ctx.directory.app(p.client_id);
    if (!user || !account || !app) {
      if (none)
        return deny(
          'login_required',
          50058,
          'A silent sign-in request was sent but no user is signed in.',
        );
      tx.userId = undefined;
      return renderStep(this.ctx, res, tx, 'login');
    }
    const requests = this.ctx.directory.parseScopeSet(p.scope);
    const claims = parseClaims(p.claims);
    const needsMfa =
      claimsRequestStepUp(claims) ||
      requests.some((r) => this.ctx.directory.mfaPolicy(user, r.resource) !== undefined);
    if (needsMfa && !account.strength.amr.includes('mfa') && !tx.mfaDone) {
      if (none)
        return deny('interaction_required', 50076, 'Multi-factor authentication is required.');
      return renderStep(this.ctx, res, tx, 'mfa', undefined, session);
    }
    if (!tx.consentDone) {
      const missing = requests.some((request) => {
        if (request.implicit) return false;
        const consented = this.ctx.directory.consentedScopes(user, app, request.resource);
        return request.isDefault
          ? consented.size === 0
          : request.permissions.some((s) => !consented.has(s));
      });
      if (missing || (p.prompt === 'consent' && requests.some((r) => !r.implicit))) {
        if (none) return redirectError(this.ctx, req, res, p, consentRequired(app));
        return renderStep(this.ctx, res, tx, 'consent', undefined, session);
      }
    }
    const code = this.ctx.store.createCode({
      clientId: app.clientId,
      redirectUri: p.redirect_uri,
      userId: user.id,
      scope: p.scope,
      nonce: p.nonce,
      codeChallenge: p.code_challenge,
      codeChallengeMethod: p.code_challenge
        ? ((p.code_challenge_method ?? 'plain') as 'S256' | 'plain')
        : undefined,
      strength: account.strength,
      capabilities: claims.capabilities,
      sid: session?.sid ?? '',
      authTime: account.authTime,
    });
    this.ctx.store.transactions.delete(tx.id);
    const fields: Record<string, string> = { code };
    if (p.state !== undefined) fields.state = p.state;
    if (session) fields.session_state = session.sid;
    return respondToClient(this.ctx, res, p, fields);
  }

  private browser(req: Request, res: Response): string {
    const existing = parseCookies(req)[FLOW_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
    const value = token(24);
    res.cookie(FLOW_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'none', path: '/' });
    return value;
  }

  private session(req: Request): Session | undefined {
    const id = parseCookies(req)[SESSION_COOKIE];
    return id ? this.ctx.store.sessions.get(id) : undefined;
  }

  private newSession(res: Response): Session {
    const session = this.ctx.store.createSession();
    res.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      path: '/',
    });
    return session;
  }
}
