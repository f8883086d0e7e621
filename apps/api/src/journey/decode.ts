/** The non-secret parts of a JWT: a few header fields and the payload's claims. */
export interface DecodedToken {
  header: { alg?: string; kid?: string; typ?: string };
  claims: Record<string, unknown>;
}

/**
 * Decodes (never verifies) a JWT for display. Only `alg`, `kid` and `typ` are kept from the
 * header; the signature is dropped. Undefined when the token is not a decodable JWT.
 */
export function decodeForDisplay(token: string): DecodedToken | undefined {
  const [header, payload] = token.split('.');
  if (!header || !payload) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      header: { alg: text(h.alg), kid: text(h.kid), typ: text(h.typ) },
      claims: claims as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}
