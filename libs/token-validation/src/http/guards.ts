import type { RequestHandler } from 'express';
import { InsufficientScopeError, TokenValidationError } from '../errors';
import type { ValidatedToken } from '../types';
import { withBearerHeaders } from './challenge';
import { getValidatedToken, optionsOf } from './context';

/**
 * Route guard: the token must carry at least one of `scopes` in `scp` (delegated), as
 * Microsoft.Identity.Web's `RequiredScope`. Otherwise `next(err)` with an
 * {@link InsufficientScopeError} (403 `insufficient_scope`, challenge with `scope="…"`).
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  return guard(scopes, []);
}

/** Route guard: the token must carry at least one of `roles` (app roles). Otherwise 403. */
export function requireRoles(...roles: string[]): RequestHandler {
  return guard([], roles);
}

/** Route guard: one of `scopes` (delegated) or one of `roles` (app or user roles). Otherwise 403. */
export function requireScopesOrRoles(scopes: string[], roles: string[]): RequestHandler {
  return guard(scopes, roles);
}

function guard(scopes: readonly string[], roles: readonly string[]): RequestHandler {
  if (
    scopes.length + roles.length === 0 ||
    ![...scopes, ...roles].every((v) => typeof v === 'string' && v)
  ) {
    throw new TypeError('A guard needs at least one non-empty scope or role');
  }
  const accepts = (token: ValidatedToken) =>
    scopes.some((scope) => token.scopes.includes(scope)) ||
    roles.some((role) => token.roles.includes(role));

  return (req, _res, next) => {
    const token = getValidatedToken(req);
    if (!token) {
      // The guard runs without authenticateBearer/BearerStrategy before it: treat as no token.
      const err = new TokenValidationError('ERR_TOKEN_MISSING', 'A bearer token is required.');
      next(withBearerHeaders(err, optionsOf(req).realm));
      return;
    }
    if (accepts(token)) {
      next();
      return;
    }
    next(withBearerHeaders(new InsufficientScopeError(scopes, roles), optionsOf(req).realm));
  };
}
