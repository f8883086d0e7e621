import { ServiceError, type ServiceErrorOptions } from '@obo/errors';
import type { ValidatedToken } from '@obo/token-validation';
import { TokenAcquisitionError, type TokenAcquisitionErrorCode } from '@obo/token-acquisition';
import { apiChallenge } from '../errors';

type Answer = (
  error: TokenAcquisitionError,
  caller: ValidatedToken,
  armScope: string,
  challengeClaims?: string,
) => ServiceError;

/** An answer of the API's own, whose text is safe to show whatever its status. */
function answer(code: string, message: string, options: ServiceErrorOptions): ServiceError {
  return new ServiceError(code, message, { expose: true, ...options });
}

/**
 * What the caller must do when OBO fails, by TokenAcquisitionError code. Codes not listed keep
 * the status and code that say whose problem it is: 403 user_access_denied (the assertion's
 * user: unknown, disabled, locked, blocked), 501 obo_not_supported (Azure AD B2C,
 * AADB2C90086), 502 client_misconfigured (ours) and token_acquisition_failed.
 */
const ANSWERS: Partial<Record<TokenAcquisitionErrorCode, Answer>> = {
  interaction_required: userMustSignIn,
  consent_required: userMustSignIn,
  invalid_assertion: (error) =>
    answer('invalid_token', error.message, {
      status: 401,
      headers: {
        'www-authenticate': apiChallenge({
          error: 'invalid_token',
          error_description: 'the token cannot be exchanged',
        }),
      },
      cause: error,
    }),
  token_endpoint_unavailable: (error) =>
    answer('temporarily_unavailable', error.message, {
      status: 503,
      headers: { 'retry-after': String(error.details.retryAfterSeconds ?? 30) },
      cause: error,
    }),
};

/**
 * The caller's answer to a failed exchange. `challengeClaims`: the claims of the resource's
 * challenge that exchange answered (ARM's CAE challenge), passed on when Entra sends none of
 * its own (AADSTS50173 carries none).
 */
export function oboFailureAnswer(
  error: unknown,
  caller: ValidatedToken,
  armScope: string,
  challengeClaims?: string,
): unknown {
  if (!(error instanceof TokenAcquisitionError)) return error;
  const mapped = ANSWERS[error.code];
  if (mapped) return mapped(error, caller, armScope, challengeClaims);
  return answer(error.code, error.message, { status: error.status, cause: error });
}

/**
 * The user must sign in again (or consent): clients that declared `cp1` get an RFC 6750 claims
 * challenge (401); others get 403 with the error, the scopes and any claims to pass at sign-in.
 */
export function userMustSignIn(
  error: TokenAcquisitionError,
  caller: ValidatedToken,
  armScope: string,
  challengeClaims?: string,
): ServiceError {
  const claims = error.details.claims ?? challengeClaims;
  const capable = Array.isArray(caller.claims.xms_cc) && caller.claims.xms_cc.includes('cp1');
  if (capable && claims) {
    return answer(
      'insufficient_claims',
      'Additional claims are required; sign in again with the claims given.',
      {
        status: 401,
        headers: {
          'www-authenticate': apiChallenge({
            error: 'insufficient_claims',
            error_description: 'additional claims required',
            claims: Buffer.from(claims, 'utf8').toString('base64'),
          }),
        },
        details: { claims },
        cause: error,
      },
    );
  }
  return answer(error.code, error.message, {
    status: 403,
    details: { scopes: [armScope], ...(claims ? { claims } : {}) },
    cause: error,
  });
}
