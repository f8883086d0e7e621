import { TokenValidationError, type TokenErrorCode } from '../errors';

/** A JWS split and decoded, before any cryptography. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  kid: string;
  /** `header.payload` exactly as received: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
const MAX_KID_LENGTH = 256;

/**
 * Splits and decodes a compact JWS, rejecting everything that is not an RS256 JWT before any
 * cryptography: size, JWE, `alg`, `typ`, `crit`, `kid`, and a non-canonical signature encoding
 * (base64url's unused trailing bits would otherwise let two strings carry one signature).
 */
export function decodeJwt(token: unknown, maxTokenBytes: number): DecodedJwt {
  if (typeof token !== 'string' || token.length === 0)
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  // A JWT is ASCII, so length is its size in bytes; other characters fail the charset below.
  if (token.length > maxTokenBytes) fail('ERR_TOKEN_TOO_LARGE', 'The token is too large.');

  const parts = token.split('.');
  if (parts.length === 5) fail('ERR_TOKEN_ENCRYPTED', 'Encrypted tokens (JWE) are not accepted.');
  if (parts.length !== 3) fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!B64URL.test(headerPart) || !B64URL.test(payloadPart)) {
    fail('ERR_TOKEN_MALFORMED', 'The token is not a JWT.');
  }

  const header = parseObject(headerPart);
  if ('enc' in header) fail('ERR_TOKEN_ENCRYPTED', 'Encrypted tokens (JWE) are not accepted.');
  checkAlg(header['alg']);
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    fail('ERR_TOKEN_TYPE', 'The token type is not JWT.');
  }
  if ('crit' in header)
    fail('ERR_TOKEN_CRIT_UNSUPPORTED', 'Critical header parameters are not supported.');
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    fail('ERR_TOKEN_KID_MISSING', 'The token header has no usable key id (kid).');
  }

  if (!B64URL.test(signaturePart)) fail('ERR_TOKEN_SIGNATURE', 'The token signature is invalid.');
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.toString('base64url') !== signaturePart) {
    fail('ERR_TOKEN_SIGNATURE', 'The token signature is invalid.');
  }

  const payload = parseObject(payloadPart);
  return {
    header,
    payload,
    kid,
    signingInput: token.slice(0, headerPart.length + 1 + payloadPart.length),
    signature,
  };
}

function checkAlg(alg: unknown): void {
  if (typeof alg !== 'string')
    fail('ERR_TOKEN_ALG_UNSUPPORTED', 'The token algorithm is not accepted.');
  if (alg === 'RS256') return;
  if (alg.toLowerCase() === 'none') fail('ERR_TOKEN_ALG_NONE', 'Unsigned tokens are not accepted.');
  if (/^hs/i.test(alg)) fail('ERR_TOKEN_ALG_HMAC', 'Symmetric (HMAC) tokens are not accepted.');
  fail('ERR_TOKEN_ALG_UNSUPPORTED', 'The token algorithm is not accepted.');
}

function parseObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
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
