import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import type { SeedUser } from '../seed/schema';
import { NO_CLAIMS, type ClaimsRequest } from './claims';

/** What a token request rests on: when the user authenticated for it, and how. */
export interface GrantAuthentication {
  /**
   * Epoch ms: the sign-in a refresh token or code stands for, or when an On-Behalf-Of
   * assertion was issued.
   */
  at: number;
  /**
   * `grant`: a refresh token or code is one sign-in, which a critical event ends for good;
   * `assertion`: an On-Behalf-Of assertion, refused after a critical event until the user has
   * signed in again with their credentials.
   */
  kind: 'grant' | 'assertion';
}

/**
 * Continuous Access Evaluation at the token endpoint: a disabled user gets nothing
 * (AADSTS50057); a grant whose authentication predates the user's latest critical event
 * (revoked sessions, disabled, password changed) is refused with AADSTS50173 (`invalid_grant`,
 * `suberror: bad_token`, as Entra answers); and a claims request's `access_token.nbf` is
 * honoured: the token is issued only on an authentication from after that time, or for a user
 * who has signed in since.
 */
export function checkUserAccess(
  ctx: EmulatorContext,
  user: SeedUser,
  auth: GrantAuthentication,
  claims: ClaimsRequest = NO_CLAIMS,
): void {
  const events = ctx.criticalEvents;
  if (events.disabled(user.id)) throw aad.userDisabled();
  const lastSignIn = events.lastSignIn(user.id) ?? 0;
  const revokedAt = events.revokedAt(user.id);
  if (
    revokedAt !== undefined &&
    auth.at < revokedAt &&
    (auth.kind === 'grant' || lastSignIn < revokedAt)
  ) {
    throw aad.grantRevoked(auth.at, revokedAt);
  }
  if (claims.nbf !== undefined) {
    const notBefore = claims.nbf * 1000;
    if (auth.at < notBefore && lastSignIn < notBefore) throw aad.grantRevoked(auth.at, notBefore);
  }
}
