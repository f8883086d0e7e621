/**
 * The token journey (development only): one request's path browser → web → API → ARM, with
 * each hop's token shown as decoded, non-secret header fields and claims — never a token, never
 * a signature.
 */

import {
  displayedHeader,
  type DisplayedHeader as TokenHeader,
  type DisplayedToken as DecodedToken,
} from '@obo/token-validation';

export { decodeForDisplay } from '@obo/token-validation';
export type { TokenHeader, DecodedToken };

/** One column of the page: a hop, its token and how it was obtained. */
export interface JourneyHop {
  id: 'id' | 'api' | 'obo';
  title: string;
  hop: string;
  /** What happened at this hop, in a sentence or two. */
  explanation: string;
  header: TokenHeader;
  claims: { name: string; value: string }[];
  /** Cache outcome, e.g. "hit (web session cache)". */
  cache: string;
  timings: { label: string; ms: number }[];
}

/** A claim compared across the three tokens. */
export interface JourneyDiff {
  claim: string;
  meaning: string;
  values: string[];
  changed: boolean;
}

/** The claims OBO changes (or keeps), in the order the page explains them. */
export const COMPARED_CLAIMS: { claim: string; meaning: string }[] = [
  { claim: 'aud', meaning: 'Who the token is for.' },
  { claim: 'scp', meaning: 'Delegated permissions granted to the caller.' },
  { claim: 'azp', meaning: 'The app that requested the token (v2 tokens).' },
  { claim: 'appid', meaning: 'The app that requested the token (v1 tokens).' },
  { claim: 'iss', meaning: 'Who issued it.' },
  { claim: 'ver', meaning: 'Token format version.' },
  { claim: 'oid', meaning: 'The user — the same person at every hop.' },
];

/** Three base64url runs separated by dots: the shape of a JWT (or JWE fragment). */
const TOKEN_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time']);

/** Checks the API's `journey` field; anything unexpected is dropped rather than shown. */
export function parseApiJourney(value: unknown):
  | {
      obo: DecodedToken & { source: string; ms: number };
      arm: { ms: number; pages: number };
      validateMs?: number;
      /** A claims challenge the API answered (unchecked here: see challenges.ts). */
      challenge?: unknown;
    }
  | undefined {
  if (!isRecord(value) || !isRecord(value.obo) || !isRecord(value.arm)) return undefined;
  const { obo, arm } = value;
  if (!isRecord(obo.claims) || !isRecord(obo.header) || typeof obo.source !== 'string')
    return undefined;
  return {
    obo: {
      source: obo.source,
      ms: num(obo.ms),
      header: displayedHeader(obo.header),
      claims: obo.claims,
    },
    arm: { ms: num(arm.ms), pages: num(arm.pages) },
    validateMs: typeof value.validateMs === 'number' ? value.validateMs : undefined,
    challenge: value.challenge,
  };
}

/** Claims as display rows; a value shaped like a token is withheld, never shown. */
export function claimRows(claims: Record<string, unknown>): { name: string; value: string }[] {
  return Object.entries(claims).map(([name, value]) => ({ name, value: formatValue(name, value) }));
}

/** Compares the claims OBO touches across the hops' tokens. */
export function diffClaims(tokens: Record<string, unknown>[]): JourneyDiff[] {
  return COMPARED_CLAIMS.filter(({ claim }) => tokens.some((t) => t[claim] !== undefined)).map(
    ({ claim, meaning }) => {
      const values = tokens.map((t) =>
        t[claim] === undefined ? '—' : formatValue(claim, t[claim]),
      );
      return { claim, meaning, values, changed: new Set(values).size > 1 };
    },
  );
}

function formatValue(name: string, value: unknown): string {
  let text: string;
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    text = `${value} (${new Date(value * 1000).toISOString()})`;
  } else if (Array.isArray(value)) {
    text = value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  } else if (value !== null && typeof value === 'object') {
    text = JSON.stringify(value);
  } else {
    text = String(value);
  }
  return TOKEN_SHAPED.test(text) ? '(withheld: looks like a token)' : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
