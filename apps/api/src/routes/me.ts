import { Router, type RequestHandler } from 'express';
import type { ValidatedToken } from '@obo/token-validation';

/** `GET /api/me`: who the validated token says the caller is. Never the token itself. */
export function meRoutes(guard: RequestHandler[]): Router {
  const router = Router();
  router.get('/api/me', ...guard, (req, res) => {
    const token = req.authInfo as ValidatedToken;
    res.json({
      name: token.claims.name,
      preferredUsername: token.claims.preferred_username,
      oid: token.objectId,
      tid: token.tenantId,
      scopes: token.scopes,
      roles: token.roles,
      kind: token.kind,
      version: token.version,
    });
  });
  return router;
}
