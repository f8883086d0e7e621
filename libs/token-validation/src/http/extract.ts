import type { IncomingMessage } from 'node:http';

export type Extracted =
  { kind: 'token'; token: string } | { kind: 'missing' } | { kind: 'malformed'; message: string };

const ONE_CREDENTIAL = 'The Authorization header must carry exactly one bearer token.';
const ONE_HEADER = 'The request carries more than one Authorization header.';
const ONE_METHOD =
  'The token must be sent by one method only: the Authorization header, not also the query or the body.';

/**
 * Reads a bearer token from the request's `Authorization` header (RFC 6750 §2.1): scheme
 * case-insensitive, any amount of surrounding whitespace. No header, another scheme or an empty
 * `Bearer` counts as missing. Malformed (400 `invalid_request`):
 * - more than one credential after `Bearer`;
 * - more than one `Authorization` header (Node keeps only the first in `req.headers`, so
 *   `req.rawHeaders` is read — only when there is a header at all);
 * - a bearer token in the header and also `access_token` in the query or in a form body
 *   (RFC 6750 §2: a client MUST NOT use more than one method). Tokens in the query or body
 *   alone are not read: they count as missing. The body is seen only when a body parser ran first.
 */
export function extractBearerToken(req: IncomingMessage & { body?: unknown }): Extracted {
  const header = req.headers.authorization;
  if (header === undefined) return { kind: 'missing' };
  if (authorizationHeaders(req.rawHeaders) > 1) return { kind: 'malformed', message: ONE_HEADER };
  const parsed = parseAuthorization(header);
  if (parsed.kind === 'token' && (queryHasToken(req.url) || formBodyHasToken(req))) {
    return { kind: 'malformed', message: ONE_METHOD };
  }
  return parsed;
}

function parseAuthorization(header: string): Extracted {
  // indexOf scans instead of a regex split: the token is ~1.5 KB and this runs per request.
  const value = header.trim();
  const gap = nextGap(value);
  if (gap !== 6 || value.slice(0, 6).toLowerCase() !== 'bearer') return { kind: 'missing' };
  let start = gap;
  while (value[start] === ' ' || value[start] === '\t') start += 1;
  const token = value.slice(start);
  if (nextGap(token) !== -1) return { kind: 'malformed', message: ONE_CREDENTIAL };
  return { kind: 'token', token };
}

/** Index of the first space or tab, or -1. */
function nextGap(value: string): number {
  const space = value.indexOf(' ');
  const tab = value.indexOf('\t');
  if (space === -1) return tab;
  return tab === -1 ? space : Math.min(space, tab);
}

/** How many `Authorization` fields the request had (names compared case-insensitively). */
function authorizationHeaders(raw: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // The length test first: most names are skipped without building a lower-case copy.
    if (name.length === 13 && name.toLowerCase() === 'authorization') count += 1;
  }
  return count;
}

/** `access_token` among the query parameters (decoded, so `access%5Ftoken` counts too). */
function queryHasToken(url: string | undefined): boolean {
  const start = url?.indexOf('?') ?? -1;
  if (start === -1 || url === undefined) return false;
  return new URLSearchParams(url.slice(start + 1)).has('access_token');
}

/** `access_token` in a parsed `application/x-www-form-urlencoded` body (RFC 6750 §2.2). */
function formBodyHasToken(req: IncomingMessage & { body?: unknown }): boolean {
  const body = req.body;
  if (body === null || typeof body !== 'object') return false;
  const type = req.headers['content-type'];
  return (
    type !== undefined &&
    /^application\/x-www-form-urlencoded\b/i.test(type) &&
    Object.prototype.hasOwnProperty.call(body, 'access_token')
  );
}
