import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';
import { WebError } from '../errors';

/** Form field carrying the synchronizer token. */
export const CSRF_FIELD = '_csrf';

/** Gives the session a synchronizer token (done at sign-in, with the new session id). */
export function issueCsrfToken(session: Session & Partial<SessionData>): string {
  session.csrfToken ??= randomBytes(32).toString('base64url');
  return session.csrfToken;
}

/**
 * Synchronizer-token CSRF check for state-changing requests: the form's `_csrf` field must
 * equal the token stored in the session. Safe methods pass through.
 */
export const verifyCsrf: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const expected = req.session?.csrfToken;
  const body = req.body as Record<string, unknown> | undefined;
  const given = body?.[CSRF_FIELD];
  if (typeof expected === 'string' && typeof given === 'string') {
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    if (a.length === b.length && timingSafeEqual(a, b)) return next();
  }
  next(
    new WebError(
      403,
      'invalid_csrf_token',
      'The form has expired or did not come from this site. Reload the page and try again.',
    ),
  );
};
