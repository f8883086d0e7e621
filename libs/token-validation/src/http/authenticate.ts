import type { RequestHandler } from 'express';
import passport from 'passport';
import { TokenValidationError } from '../errors';
import type { TokenValidator } from '../types';
import { withBearerHeaders } from './challenge';
import { getValidatedToken, type BearerOptions } from './context';
import { BearerStrategy, strategyFailure } from './strategy';

/**
 * Express middleware: `passport.authenticate` with our {@link BearerStrategy}, `session: false`.
 * On success `req.user` = claims, `req.authInfo` = ValidatedToken, and the next handler runs.
 * On failure it writes nothing: it calls `next(err)` with a {@link TokenValidationError} that
 * carries the status (401, 400 for a malformed request, 503 when the JWKS is unreachable) and
 * the answer's headers (`www-authenticate` for `options.realm`, or `retry-after`), for the
 * app's error handler to render. Uses a private passport instance: the global one is left alone.
 */
export function authenticateBearer(
  validator: TokenValidator,
  options: BearerOptions = {},
): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(new BearerStrategy(validator, options));

  return (req, res, next) => {
    const onResult = (err: unknown, user: Express.User | false) => {
      if (err) {
        next(err);
        return;
      }
      const validated = getValidatedToken(req);
      if (!user || !validated) {
        const failure =
          strategyFailure(req) ??
          new TokenValidationError('ERR_TOKEN_MISSING', 'A bearer token is required.');
        next(withBearerHeaders(failure, options.realm));
        return;
      }
      req.user = user;
      req.authInfo = validated;
      next();
    };
    authenticator.authenticate('oauth-bearer', { session: false }, onResult)(req, res, next);
  };
}
