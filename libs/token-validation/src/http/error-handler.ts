import type { ErrorRequestHandler } from 'express';
import { TokenValidationError } from '../errors';
import { sendBearerError } from './challenge';
import { optionsOf, type BearerOptions } from './context';

/**
 * Express error handler for apps that use `passport.authenticate('oauth-bearer')` directly:
 * a TokenValidationError passed to `next(err)` becomes the RFC 6750 answer; anything else is
 * passed on to the app's own handler.
 */
export function bearerErrorHandler(options?: BearerOptions): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (!(err instanceof TokenValidationError)) {
      next(err);
      return;
    }
    sendBearerError(req, res, err, options ?? optionsOf(req));
  };
}
