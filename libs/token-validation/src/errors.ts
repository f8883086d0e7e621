import { ServiceError } from '@obo/errors';

/**
 * Every reason a bearer token is refused, as a stable string. Tests and callers compare codes,
 * never messages. See the README for what each one means.
 */
export const TOKEN_ERROR_CODES = {
  /** No bearer token in the `Authorization` header (RFC 6750 §3.1: no `error` attribute). */
  MISSING: 'ERR_TOKEN_MISSING',
  /**
   * 400 `invalid_request`: `Authorization: Bearer …` not a single b64token, more than one
   * `Authorization` header, or the token also sent in the query or a form body (RFC 6750 §2).
   */
  BAD_REQUEST: 'ERR_TOKEN_REQUEST_MALFORMED',
  TOO_LARGE: 'ERR_TOKEN_TOO_LARGE',
  ENCRYPTED: 'ERR_TOKEN_ENCRYPTED',
  MALFORMED: 'ERR_TOKEN_MALFORMED',
  ALG_NONE: 'ERR_TOKEN_ALG_NONE',
  ALG_HMAC: 'ERR_TOKEN_ALG_HMAC',
  ALG_UNSUPPORTED: 'ERR_TOKEN_ALG_UNSUPPORTED',
  TYPE: 'ERR_TOKEN_TYPE',
  CRIT: 'ERR_TOKEN_CRIT_UNSUPPORTED',
  KID_MISSING: 'ERR_TOKEN_KID_MISSING',
  KID_UNKNOWN: 'ERR_TOKEN_KID_UNKNOWN',
  KEY_TYPE: 'ERR_TOKEN_KEY_TYPE',
  SIGNATURE: 'ERR_TOKEN_SIGNATURE',
  CLAIM_INVALID: 'ERR_TOKEN_CLAIM_INVALID',
  EXPIRED: 'ERR_TOKEN_EXPIRED',
  NOT_YET_VALID: 'ERR_TOKEN_NOT_YET_VALID',
  AUDIENCE: 'ERR_TOKEN_AUDIENCE',
  ISSUER: 'ERR_TOKEN_ISSUER',
  TENANT_MISSING: 'ERR_TOKEN_TENANT_MISSING',
  TENANT_MISMATCH: 'ERR_TOKEN_TENANT_MISMATCH',
  TENANT_NOT_ALLOWED: 'ERR_TOKEN_TENANT_NOT_ALLOWED',
  NO_PERMISSIONS: 'ERR_TOKEN_NO_PERMISSIONS',
  JWKS_UNAVAILABLE: 'ERR_JWKS_UNAVAILABLE',
  INSUFFICIENT_SCOPE: 'ERR_INSUFFICIENT_SCOPE',
} as const;

export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[keyof typeof TOKEN_ERROR_CODES];

/** Status per code; everything not listed is 401. */
const STATUS: Partial<Record<TokenErrorCode, number>> = {
  ERR_TOKEN_REQUEST_MALFORMED: 400,
  ERR_INSUFFICIENT_SCOPE: 403,
  ERR_JWKS_UNAVAILABLE: 503,
};

/** What a {@link TokenValidationError} carries besides its code and message. */
export interface TokenValidationErrorOptions {
  cause?: unknown;
  /**
   * The answer's headers: `www-authenticate` (RFC 6750 challenge) or, for 503, `retry-after`.
   * Set by the Express layer (`authenticateBearer`, the guards), which knows the realm.
   */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A token was refused (or could not be checked). `code` is stable, `status` is the HTTP status
 * to answer with, and `expose` says the message is safe to show the caller (always: messages
 * never contain the token or any claim value taken from it). The library describes the failure;
 * the app's error handler writes the answer (see `bearerChallenge` and `bearerErrorBody`).
 */
export class TokenValidationError extends ServiceError {
  declare readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string, options: TokenValidationErrorOptions = {}) {
    super(code, message, { status: STATUS[code] ?? 401, expose: true, ...options });
  }
}

/** Thrown for a bad {@link TokenValidatorOptions} at construction time, never per request. */
export class TokenValidatorConfigError extends ServiceError {
  declare readonly code: 'ERR_TOKEN_VALIDATOR_CONFIG';

  constructor(message: string) {
    super('ERR_TOKEN_VALIDATOR_CONFIG', message, { status: 500, expose: false });
  }
}

export function isTokenValidationError(err: unknown): err is TokenValidationError {
  return err instanceof TokenValidationError;
}

/** 403: the token is valid but lacks every accepted scope or role. */
export class InsufficientScopeError extends TokenValidationError {
  /** The scopes that would have been accepted (for the RFC 6750 `scope` attribute). */
  readonly scopes: readonly string[];
  /** The app roles that would have been accepted. */
  readonly roles: readonly string[];

  constructor(
    scopes: readonly string[],
    roles: readonly string[],
    options: Pick<TokenValidationErrorOptions, 'headers'> = {},
  ) {
    super(
      'ERR_INSUFFICIENT_SCOPE',
      'The token lacks the scope or role this operation requires.',
      options,
    );
    this.scopes = scopes;
    this.roles = roles;
  }
}
