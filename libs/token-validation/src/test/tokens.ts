import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { KeySource, SigningKeyEntry } from '../keys/key-source';

/** Test fixtures: keys generated per run, tokens signed by hand so malformed ones are possible. */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
export const AUTHORITY = 'https://login.microsoftonline.com';
export const ISSUER_V2 = `${AUTHORITY}/${TENANT}/v2.0`;
export const ISSUER_V1 = `https://sts.windows.net/${TENANT}/`;
/** Fixed test clock: 2026-01-01T00:00:00Z. */
export const NOW_MS = Date.UTC(2026, 0, 1);
export const NOW_S = NOW_MS / 1000;

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK, as a JWKS would list it. */
  jwk: Record<string, unknown>;
}

export function makeRsaKey(kid: string, modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', kty: 'RSA' };
  return { kid, privateKey, publicKey, jwk };
}

export function makeEcKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' },
  };
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** A delegated v2 access token's claims for the test API, valid at NOW_MS. */
export function goodClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: CLIENT_ID,
    iss: ISSUER_V2,
    iat: NOW_S - 7200,
    nbf: NOW_S - 7200,
    exp: NOW_S + 3600,
    tid: TENANT,
    oid: '00000000-0000-0000-0000-0000000000aa',
    sub: 'subject-1',
    name: 'Test User',
    preferred_username: 'user@example.com',
    azp: '11111111-0000-0000-0000-000000000001',
    scp: 'access_as_user',
    ver: '2.0',
    idtyp: 'user',
    ...overrides,
  };
}

/** An app-only v2 token's claims (roles, no scp). */
export function appClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const claims = goodClaims({ roles: ['Subscriptions.Read'], idtyp: 'app', ...overrides });
  delete claims['scp'];
  delete claims['name'];
  delete claims['preferred_username'];
  return claims;
}

/** Signs RS256 by hand. `header` overrides are merged into `{alg, typ, kid}`. */
export function signToken(
  claims: Record<string, unknown>,
  key: TestKey,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** An HS256 token whose HMAC secret is `secret` (e.g. the RSA public key's PEM). */
export function signHs256(
  claims: Record<string, unknown>,
  secret: string | Buffer,
  kid: string,
): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A key source over a mutable list, counting fetches; `fail` makes fetches reject. */
export class FakeKeySource implements KeySource {
  fetches = 0;
  fail = false;
  readonly uris: string[] = [];

  constructor(public keys: TestKey[]) {}

  async fetchKeys(jwksUri: string): Promise<SigningKeyEntry[]> {
    this.fetches += 1;
    this.uris.push(jwksUri);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.fail) throw new Error('JWKS endpoint down');
    return this.keys.map((k) => ({ kid: k.kid, key: k.publicKey }));
  }
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public ms = NOW_MS) {}
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
