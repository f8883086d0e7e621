import { randomBytes } from 'node:crypto';
import { CryptoProvider, type AccountInfo, type AuthenticationResult } from '@azure/msal-node';
import type { WebConfig } from '@obo/config';
import type { Request, Response } from 'express';
import { SignInError } from '../errors';
import type { MsalClientFactory } from './msal-client';
import { PendingSignIns, type PendingSignIn } from './pending-sign-ins';
import type { AuthFlow, SessionUser } from './session-data';

/** Scopes asked for at every sign-in, besides the API's (consent up front). */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access'];

export interface SignInRequest {
  /** Local path to return to afterwards (already checked by safeReturnTo). */
  returnTo: string;
  /** Claims challenge to satisfy (JSON). */
  claims?: string;
  /** `consent` to ask for consent again (incremental consent). */
  prompt?: 'consent' | 'login' | 'select_account';
  /** Scopes to consent to besides the sign-in scopes. */
  extraScopesToConsent?: string[];
  flow?: AuthFlow;
  reason?: PendingSignIn['reason'];
  loginHint?: string;
}

/**
 * Starts and completes the auth code + PKCE flow for one app configuration. A started sign-in
 * lives in the browser's sealed pending-sign-in cookie, not in a server session: only a
 * completed sign-in creates one.
 */
export class SignInFlow {
  private readonly crypto = new CryptoProvider();
  private readonly pending: PendingSignIns;

  constructor(
    private readonly config: WebConfig,
    private readonly msal: MsalClientFactory,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = new PendingSignIns({ secret: config.session.secret.reveal(), now });
  }

  /** Scopes asked for at sign-in and on the code redemption. */
  private get scopes(): string[] {
    return [...OIDC_SCOPES, ...this.config.api.scopes];
  }

  get redirectUri(): string {
    return new URL(this.config.redirectPath, this.config.publicUrl).toString();
  }

  /** Records a pending sign-in (state, nonce, PKCE verifier) in the browser's cookie; returns the authorize URL. */
  async start(req: Request, res: Response, request: SignInRequest): Promise<string> {
    const { verifier, challenge } = await this.crypto.generatePkceCodes();
    const flow = request.flow ?? 'signIn';
    const pending: PendingSignIn = {
      state: randomBytes(32).toString('base64url'),
      nonce: randomBytes(32).toString('base64url'),
      codeVerifier: verifier,
      returnTo: request.returnTo,
      claims: request.claims,
      flow,
      reason: request.reason ?? 'user',
      createdAt: this.now(),
    };
    this.pending.add(req, res, pending);

    return this.msal.create(flow).getAuthCodeUrl({
      scopes: this.scopes,
      redirectUri: this.redirectUri,
      responseMode: 'query',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      claims: request.claims,
      prompt: request.prompt,
      loginHint: request.loginHint,
      extraScopesToConsent: request.extraScopesToConsent,
    });
  }

  /**
   * Handles the redirect: matches `state` to a pending sign-in (used once), redeems the code
   * with its PKCE verifier and nonce. Throws SignInError for anything the user can retry.
   */
  async complete(
    req: Request,
    res: Response,
  ): Promise<{
    pending: PendingSignIn;
    result: AuthenticationResult & { account: AccountInfo };
    tokenCache: string;
  }> {
    const query = req.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : undefined;
    const code = typeof query.code === 'string' ? query.code : undefined;
    const pending = this.pending.take(req, res, state);

    if (typeof query.error === 'string') {
      throw new SignInError(
        query.error.slice(0, 200),
        typeof query.error_description === 'string'
          ? query.error_description.slice(0, 2000)
          : 'The identity provider refused the sign-in.',
      );
    }
    if (!state) throw new SignInError('invalid_request', 'The sign-in response has no state.');
    if (!pending) {
      throw new SignInError(
        'state_mismatch',
        'The sign-in response does not match a sign-in started in this browser (it may have expired or been used already). Please sign in again.',
      );
    }
    if (!code) throw new SignInError('invalid_request', 'The sign-in response has no code.');

    const client = this.msal.create(pending.flow);
    let result: AuthenticationResult;
    try {
      result = await client.acquireTokenByCode(
        {
          code,
          scopes: this.scopes,
          redirectUri: this.redirectUri,
          codeVerifier: pending.codeVerifier,
          // msal-node 7 checks state and nonce against these request fields.
          state: pending.state,
          nonce: pending.nonce,
          claims: pending.claims,
        },
        { code, state },
      );
    } catch (error) {
      const e = error as { errorCode?: string; errorMessage?: string };
      throw new SignInError(
        e.errorCode && /^[\w.-]{1,100}$/.test(e.errorCode)
          ? e.errorCode
          : 'token_redemption_failed',
        e.errorMessage ? firstLine(e.errorMessage) : 'The sign-in could not be completed.',
        { cause: error },
      );
    }
    if (!result.account) {
      throw new SignInError('no_account', 'The identity provider returned no account.');
    }
    const account = result.account;
    return {
      pending,
      result: { ...result, account },
      tokenCache: client.getTokenCache().serialize(),
    };
  }
}

/** The user as stored in the session, from a code redemption's result. */
export function sessionUserOf(
  result: AuthenticationResult & { account: AccountInfo },
): SessionUser {
  const account = result.account;
  const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>;
  return {
    homeAccountId: account.homeAccountId,
    name: account.name ?? (typeof claims.name === 'string' ? claims.name : undefined),
    username: account.username || undefined,
    idTokenClaims: claims,
  };
}

function firstLine(message: string): string {
  return message.split(/\r?\n/)[0].slice(0, 500);
}
