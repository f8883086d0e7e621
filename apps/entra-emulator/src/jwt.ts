import { createVerify, createSign, type KeyObject } from 'node:crypto';

/** A JWT split into its parts; nothing verified yet. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

/** Signs `payload` with RS256; `header` adds fields such as `kid`/`x5t`. */
export function signJwt(
  payload: Record<string, unknown>,
  key: KeyObject,
  header: Record<string, unknown> = {},
): string {
  const signingInput = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', ...header }))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${b64url(signature)}`;
}

/** Splits and parses a compact JWS; returns undefined for anything that is not one. */
export function decodeJwt(token: unknown): DecodedJwt | undefined {
  if (typeof token !== 'string' || token.length > 16384) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Verifies an RS256 signature (the only algorithm Entra uses for these tokens). */
export function verifyRs256(jwt: DecodedJwt, key: KeyObject): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  try {
    return createVerify('RSA-SHA256').update(jwt.signingInput).verify(key, jwt.signature);
  } catch {
    return false;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
