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

/** `Sec-Fetch-Site` values of requests another site made the browser send. */
const FOREIGN_SITES = new Set(['cross-site', 'same-site']);

/**
 * Defence in depth beside the token: refuses a state-changing request the browser says another
 * site (or a sibling subdomain) started (`Sec-Fetch-Site: cross-site | same-site`). Requests
 * without fetch metadata (older browsers, non-browser clients) are left to the token check.
 * `Origin` is not usable here: with `Referrer-Policy: no-referrer` browsers send `Origin: null`
 * on every POST, same-origin ones included.
 */
export const refuseCrossSite: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && FOREIGN_SITES.has(site.toLowerCase())) {
    return next(
      new WebError(403, 'cross_site_request', 'This form can only be sent from this site.'),
    );
  }
  next();
};
