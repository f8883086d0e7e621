import { TokenValidationError, type TokenErrorCode } from '../errors';

/** A JWS split and decoded, before any cryptography. */
export interface DecodedJwt {
  header: Readonly<Record<string, unknown>>;
  payload: Record<string, unknown>;
  kid: string;
  /** `header.payload` exactly as received: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

interface CheckedHeader {
  header: Readonly<Record<string, unknown>>;
  kid: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
const MAX_KID_LENGTH = 256;
const MAX_HEADER_LENGTH = 2048;
/**
 * Headers that passed every check, by their encoded form: an issuer signs every token with
 * the same few headers (alg, typ, kid, x5t), so most tokens skip the header decode.
 */
const headerCache = new Map<string, CheckedHeader>();
const HEADER_CACHE_SIZE = 64;

/**
 * Splits and decodes a compact JWS, rejecting everything that is not an RS256 JWT before any
 * cryptography: size, JWE, `alg`, `typ`, `crit`, `kid`, and a non-canonical signature encoding
 * (base64url's unused trailing bits would otherwise let two strings carry one signature).
 * The payload's characters are not pre-checked: the signature covers them exactly.
 */
export function decodeJwt(token: unknown, maxTokenBytes: number): DecodedJwt {
  if (typeof token !== 'string' || token.length === 0) {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  // A JWT is ASCII, so length is its size in bytes; other characters fail the checks below.
  if (token.length > maxTokenBytes) fail('ERR_TOKEN_TOO_LARGE', 'The token is too large.');

  const firstDot = token.indexOf('.');
  const secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot < 0) fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  if (token.indexOf('.', secondDot + 1) >= 0) {
    if (token.split('.').length === 5) {
      fail('ERR_TOKEN_ENCRYPTED', 'Encrypted tokens (JWE) are not accepted.');
    }
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  const headerPart = token.slice(0, firstDot);
  const payloadPart = token.slice(firstDot + 1, secondDot);
  const signaturePart = token.slice(secondDot + 1);
  if (payloadPart.length === 0) fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');

  const { header, kid } = headerCache.get(headerPart) ?? checkHeader(headerPart);

  const signature = decodeCanonical(signaturePart);

  return {
    header,
    payload: parseObject(payloadPart),
    kid,
    signingInput: token.slice(0, secondDot),
    signature,
  };
}

function checkHeader(headerPart: string): CheckedHeader {
  if (headerPart.length > MAX_HEADER_LENGTH || !B64URL.test(headerPart)) {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  const header = parseObject(headerPart);
  if ('enc' in header) fail('ERR_TOKEN_ENCRYPTED', 'Encrypted tokens (JWE) are not accepted.');
  checkAlg(header['alg']);
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    fail('ERR_TOKEN_TYPE', 'The token type is not JWT.');
  }
  if ('crit' in header) {
    fail('ERR_TOKEN_CRIT_UNSUPPORTED', 'Critical header parameters are not supported.');
  }
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    fail('ERR_TOKEN_KID_MISSING', 'The token header has no usable key id (kid).');
  }
  const checked = { header: Object.freeze(header), kid };
  if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
  headerCache.set(headerPart, checked);
  return checked;
}

/**
 * Decodes base64url only in its canonical form: no characters outside the alphabet (the
 * decoder would skip them), no `+`/`/` (it would accept them too), no non-zero unused bits in
 * the last character. Otherwise two different strings would carry the same signature.
 */
function decodeCanonical(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  const remainder = part.length % 4;
  const last = part.charCodeAt(part.length - 1);
  const unusedBits = remainder === 2 ? 0b1111 : remainder === 3 ? 0b11 : 0;
  if (
    bytes.length === 0 ||
    remainder === 1 ||
    bytes.length !== Math.floor((part.length * 3) / 4) ||
    part.includes('+') ||
    part.includes('/') ||
    (unusedBits !== 0 && (sextet(last) & unusedBits) !== 0)
  ) {
    fail('ERR_TOKEN_SIGNATURE', 'The token signature is invalid.');
  }
  return bytes;
}

/** The 6-bit value of a base64url character (only called on validated input). */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_'
}

function checkAlg(alg: unknown): void {
  if (typeof alg !== 'string') {
    fail('ERR_TOKEN_ALG_UNSUPPORTED', 'The token algorithm is not accepted.');
  }
  if (alg === 'RS256') return;
  if (alg.toLowerCase() === 'none') fail('ERR_TOKEN_ALG_NONE', 'Unsigned tokens are not accepted.');
  if (/^hs/i.test(alg)) fail('ERR_TOKEN_ALG_HMAC', 'Symmetric (HMAC) tokens are not accepted.');
  fail('ERR_TOKEN_ALG_UNSUPPORTED', 'The token algorithm is not accepted.');
}

function parseObject(part: string): Record<string, unknown> {
  const bytes = Buffer.from(part, 'base64url');
  // The decoder skips characters outside the alphabet: a shorter result means there were some.
  if (bytes.length !== Math.floor((part.length * 3) / 4)) {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }
  return value as Record<string, unknown>;
}

function fail(code: TokenErrorCode, message: string): never {
  throw new TokenValidationError(code, message);
}
