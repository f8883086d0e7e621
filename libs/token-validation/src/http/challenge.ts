import { InsufficientScopeError, TokenValidationError } from '../errors';
import type { BearerErrorBody } from './context';

/**
 * Makes a value safe inside an RFC 6750 quoted string: only %x20-21 / %x23-5B / %x5D-7E are
 * allowed there, so quotes, backslashes and control or non-ASCII characters are dropped.
 */
export function quoteSafe(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** The OAuth `error` value for a failure (RFC 6750 §3.1), or undefined for "no token". */
export function oauthError(err: TokenValidationError): string | undefined {
  switch (err.code) {
    case 'ERR_TOKEN_MISSING':
      return undefined;
    case 'ERR_TOKEN_REQUEST_MALFORMED':
      return 'invalid_request';
    case 'ERR_INSUFFICIENT_SCOPE':
      return 'insufficient_scope';
    case 'ERR_JWKS_UNAVAILABLE':
      return 'temporarily_unavailable';
    default:
      return 'invalid_token';
  }
}

/**
 * An RFC 6750 `WWW-Authenticate` value: `Bearer realm="…"`, then each defined attribute in the
 * order given, every value made {@link quoteSafe}. For challenges an app makes itself, e.g.
 * `formatBearerChallenge('api', { error: 'insufficient_claims', claims })`.
 */
export function formatBearerChallenge(
  realm: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
): string {
  const params = [`realm="${quoteSafe(realm)}"`];
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) params.push(`${name}="${quoteSafe(value)}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

/** The `WWW-Authenticate` value for a failure, e.g. `Bearer realm="api", error="invalid_token", …`. */
export function bearerChallenge(err: TokenValidationError, realm = 'api'): string {
  const error = oauthError(err);
  const scopes = err instanceof InsufficientScopeError ? err.scopes.join(' ') : '';
  return formatBearerChallenge(realm, {
    error,
    error_description: error ? err.message : undefined,
    scope: scopes || undefined,
  });
}

/** The JSON body for a failure. The description is our own message, never token content. */
export function bearerErrorBody(err: TokenValidationError): BearerErrorBody {
  return {
    error: oauthError(err) ?? 'unauthorized',
    error_description: err.expose ? err.message : 'Authentication failed.',
  };
}

/** Seconds a client should wait after a 503 (the signing keys could not be fetched). */
export const JWKS_RETRY_AFTER_SECONDS = 5;

/**
 * The failure as the Express layer hands it on with `next(err)`: the same code, message and
 * cause, plus the headers of the answer — the RFC 6750 `www-authenticate` challenge for
 * `realm`, or `retry-after` for a 503 (not the caller's fault, so no challenge).
 */
export function withBearerHeaders(err: TokenValidationError, realm?: string): TokenValidationError {
  const headers: Record<string, string> =
    err.status === 503
      ? { 'retry-after': String(JWKS_RETRY_AFTER_SECONDS) }
      : { 'www-authenticate': bearerChallenge(err, realm) };
  const answered =
    err instanceof InsufficientScopeError
      ? new InsufficientScopeError(err.scopes, err.roles, { headers })
      : new TokenValidationError(err.code, err.message, { cause: err.cause, headers });
  answered.stack = err.stack;
  return answered;
}
