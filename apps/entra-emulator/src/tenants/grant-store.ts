import { randomBytes, randomUUID } from 'node:crypto';

/** Upper bound on each map so a busy or hostile client cannot grow memory without limit. */
export const MAX_ENTRIES = 50_000;
const CODE_TTL_MS = 10 * 60_000;
const REFRESH_TTL_MS = 90 * 86_400_000;

/** A random, URL-safe opaque value of `bytes` bytes. */
export const opaque = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Sets `key` in `map`, first dropping the oldest entry when the map holds {@link MAX_ENTRIES}. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** An authorization code: single use, 10 minutes, bound to its client, redirect URI and PKCE. */
export interface CodeRecord<G> {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  /** What the tenant issues tokens for (user, scopes, how they signed in). */
  grant: G;
  expiresAt: number;
  redeemed: boolean;
}

/** A refresh token, bound to its client; a family is the chain of its rotations. */
export interface RefreshRecord<G> {
  clientId: string;
  familyId: string;
  grant: G;
  expiresAt: number;
  redeemed: boolean;
}

/** The codes and refresh tokens a tenant issued, bounded, with their families' revocations. */
export class GrantStore<G> {
  readonly codes = new Map<string, CodeRecord<G>>();
  readonly refreshTokens = new Map<string, RefreshRecord<G>>();
  readonly revokedFamilies = new Set<string>();

  constructor(private readonly now: () => number) {}

  createCode(data: Omit<CodeRecord<G>, 'expiresAt' | 'redeemed'>): string {
    const code = `1.${opaque(48)}`;
    setBounded(this.codes, code, { ...data, expiresAt: this.now() + CODE_TTL_MS, redeemed: false });
    return code;
  }

  /** A new refresh token; `familyId` keeps a rotated one in its predecessor's family. */
  createRefreshToken(clientId: string, grant: G, familyId?: string): string {
    const token = `1.${opaque(64)}`;
    setBounded(this.refreshTokens, token, {
      clientId,
      familyId: familyId ?? randomUUID(),
      grant,
      expiresAt: this.now() + REFRESH_TTL_MS,
      redeemed: false,
    });
    return token;
  }

  reset(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.revokedFamilies.clear();
  }
}
