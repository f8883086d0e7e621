// A plain-JavaScript Express API protected with @obo/token-validation, both ways: the passport
// strategy on the app's own passport, and the ready-made middleware. The README shows this file.
const express = require('express');
const passport = require('passport');
const {
  BearerStrategy,
  TokenValidationError,
  authenticateBearer,
  bearerErrorBody,
  createTokenValidator,
  entraIssuers,
  getValidatedToken,
  requireScopes,
} = require('@obo/token-validation');

/**
 * @param {{ authorityHost: string, tenantId: string, clientId: string, ca?: string }} options
 *   authorityHost: `https://login.microsoftonline.com`, or the emulator's URL.
 */
function createApi({ authorityHost, tenantId, clientId, ca }) {
  const validator = createTokenValidator({
    jwksUri: `${authorityHost}/${tenantId}/discovery/v2.0/keys`,
    audiences: [clientId, `api://${clientId}`],
    issuers: entraIssuers(authorityHost),
    allowedTenants: [tenantId],
    ca,
  });
  passport.use(new BearerStrategy(validator, { realm: 'api' }));

  const app = express();
  app.use(passport.initialize());

  // 1. passport: the strategy is `oauth-bearer`; a refused token is answered by passport (401).
  app.get(
    '/passport/me',
    passport.authenticate('oauth-bearer', { session: false }),
    requireScopes('access_as_user'),
    (req, res) => res.json({ name: req.user.name, via: 'passport' }),
  );

  // 2. the plain middleware: a refused token goes to the error handler below.
  app.get(
    '/me',
    authenticateBearer(validator, { realm: 'api' }),
    requireScopes('access_as_user'),
    (req, res) => {
      const token = getValidatedToken(req);
      res.json({ name: token.claims.name, objectId: token.objectId, scopes: token.scopes });
    },
  );

  app.use((err, req, res, next) => {
    if (!(err instanceof TokenValidationError)) return next(err);
    res.status(err.status).set(err.headers).json(bearerErrorBody(err));
  });
  return { app, validator };
}

module.exports = { createApi };
