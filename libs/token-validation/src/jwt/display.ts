/** The header fields of a JWT worth showing; everything else in a JOSE header is dropped. */
export interface DisplayedHeader {
  alg?: string;
  kid?: string;
  typ?: string;
}

/** The non-secret parts of a JWT: a few header fields and the payload's claims. */
export interface DisplayedToken {
  header: DisplayedHeader;
  claims: Record<string, unknown>;
}

/**
 * Decodes — never verifies — a JWT for display (a development page, a log of claim names):
 * only `alg`, `kid` and `typ` are kept from the header and the signature is dropped. Undefined
 * when the value is not a decodable JWT. Never use the result to make a security decision.
 */
export function decodeForDisplay(token: string | undefined): DisplayedToken | undefined {
  const [header, payload] = (token ?? '').split('.');
  if (!header || !payload) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!isRecord(h) || !isRecord(claims)) return undefined;
    return { header: displayedHeader(h), claims };
  } catch {
    return undefined;
  }
}

/** The header fields {@link decodeForDisplay} keeps, from any object (strings only). */
export function displayedHeader(h: Record<string, unknown>): DisplayedHeader {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { alg: text(h.alg), kid: text(h.kid), typ: text(h.typ) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
