import type { RequestHandler } from 'express';
import passport from 'passport';
import { TokenValidationError } from '../errors';
import type { TokenValidator } from '../types';
import { sendBearerError } from './challenge';
import { getValidatedToken, type BearerOptions } from './context';
import { BearerStrategy, strategyFailure } from './strategy';

/**
 * Express middleware: `passport.authenticate` with our {@link BearerStrategy}, `session: false`,
 * and the RFC 6750 answer on failure (401/400 with `WWW-Authenticate`, JSON body; 503 when the
 * JWKS is unreachable), so apps do not re-implement it. Uses a private passport instance: the
 * global one is left alone. On success `req.user` = claims, `req.authInfo` = ValidatedToken.
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
        if (err instanceof TokenValidationError) sendBearerError(req, res, err, options);
        else next(err);
        return;
      }
      const validated = getValidatedToken(req);
      if (!user || !validated) {
        const failure =
          strategyFailure(req) ??
          new TokenValidationError('ERR_TOKEN_MISSING', 'A bearer token is required.');
        sendBearerError(req, res, failure, options);
        return;
      }
      req.user = user;
      req.authInfo = validated;
      next();
    };
    authenticator.authenticate('oauth-bearer', { session: false }, onResult)(req, res, next);
  };
}
