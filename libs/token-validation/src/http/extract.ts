export type Extracted =
  { kind: 'token'; token: string } | { kind: 'missing' } | { kind: 'malformed' };

/**
 * Reads a bearer token from an `Authorization` header value only (never the query or body,
 * RFC 6750 §2.1): scheme case-insensitive, any amount of surrounding whitespace. Another
 * scheme or an empty `Bearer` counts as missing; more than one credential is malformed.
 */
export function extractBearerToken(header: string | undefined): Extracted {
  if (header === undefined) return { kind: 'missing' };
  const parts = header.trim().split(/[ \t]+/);
  if (parts[0]?.toLowerCase() !== 'bearer') return { kind: 'missing' };
  if (parts.length === 1) return { kind: 'missing' };
  const [, token, ...rest] = parts;
  if (token === undefined || rest.length > 0) return { kind: 'malformed' };
  return { kind: 'token', token };
}
