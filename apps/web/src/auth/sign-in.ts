import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import type { WebConfig } from '@obo/config';
import {
  TokenAcquisitionError,
  type AuthCodeRequest,
  type RedeemedCode,
  type UserTokenClient,
} from '@obo/token-acquisition';
import type { Request, Response } from 'express';
import { SignInError } from '../errors';
import { PendingSignIns, type PendingSignIn } from './pending-sign-ins';
import type { SessionUser } from './session-data';

/** A sign-in to start: the authorize request, where to return, and why. */
export interface SignInRequest extends AuthCodeRequest {
  /** Local path to return to afterwards (already checked by safeReturnTo). */
  returnTo: string;
  reason?: PendingSignIn['reason'];
}

/**
 * Starts and completes the auth code + PKCE flow for one app configuration: the token layer
 * (`UserTokenClient`) builds the authorize URL and redeems the code; this keeps a started sign-in
 * in the browser's sealed pending-sign-in cookie, not in a server session (only a completed
 * sign-in creates one), and turns failures into the sign-in error page.
 */
export class SignInFlow {
  private readonly pending: PendingSignIns;

  constructor(
    config: WebConfig,
    private readonly tokens: UserTokenClient,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = new PendingSignIns({ secret: config.session.secret.reveal(), now });
  }

  /** Records a pending sign-in (state, nonce, PKCE verifier) in the browser's cookie; returns the authorize URL. */
  async start(req: Request, res: Response, request: SignInRequest): Promise<string> {
    const { url, pending } = await this.tokens.authCodeUrl(request);
    this.pending.add(req, res, {
      ...pending,
      returnTo: request.returnTo,
      reason: request.reason ?? 'user',
      createdAt: this.now(),
    });
    return url;
  }

  /**
   * Handles the redirect: matches `state` to a pending sign-in (used once), redeems the code
   * with its PKCE verifier and nonce. Throws SignInError for anything the user can retry.
   */
  async complete(req: Request, res: Response): Promise<{ pending: PendingSignIn } & RedeemedCode> {
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

    try {
      return { pending, ...(await this.tokens.redeemCode(code, pending)) };
    } catch (error) {
      if (!(error instanceof TokenAcquisitionError)) throw error;
      // The provider's own error code when there is one (invalid_grant, nonce_mismatch…).
      throw new SignInError(error.details.error ?? error.code, error.message, { cause: error });
    }
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
