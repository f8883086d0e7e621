import type { IncomingMessage, ServerResponse } from 'node:http';
import { InsufficientScopeError, TokenValidationError } from '../errors';
import type { BearerErrorBody, BearerOptions } from './context';

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

/** The `WWW-Authenticate` value for a failure, e.g. `Bearer realm="api", error="invalid_token", …`. */
export function bearerChallenge(err: TokenValidationError, realm = 'api'): string {
  const params = [`realm="${quoteSafe(realm)}"`];
  const error = oauthError(err);
  if (error) {
    params.push(`error="${error}"`, `error_description="${quoteSafe(err.message)}"`);
  }
  if (err instanceof InsufficientScopeError && err.scopes.length > 0) {
    params.push(`scope="${quoteSafe(err.scopes.join(' '))}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

/** The JSON body for a failure. The description is our own message, never token content. */
export function bearerErrorBody(err: TokenValidationError): BearerErrorBody {
  return {
    error: oauthError(err) ?? 'unauthorized',
    error_description: err.expose ? err.message : 'Authentication failed.',
  };
}

/**
 * Answers a failed request: status, `WWW-Authenticate` (except for 503, which is not the
 * caller's fault), `Cache-Control: no-store`, and a JSON `{error, error_description}` body.
 */
export function sendBearerError(
  req: IncomingMessage,
  res: ServerResponse,
  err: TokenValidationError,
  options: BearerOptions = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const base = bearerErrorBody(err);
  const body = options.errorBody ? { ...options.errorBody(req, base), ...base } : base;
  res.statusCode = err.status;
  if (err.status === 503) {
    res.setHeader('Retry-After', '5');
  } else {
    res.setHeader('WWW-Authenticate', bearerChallenge(err, options.realm));
  }
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
