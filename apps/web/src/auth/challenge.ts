import { claimsChallenge, decodeClaims } from '@obo/http';

/** What the API asked for when it refused a token: the sign-in must be repeated. */
export interface ApiChallenge {
  kind: 'claims' | 'consent' | 'interaction';
  /** Claims request (JSON) to pass on the authorize URL, when given. */
  claims?: string;
  /** Extra scopes to consent to, when given. */
  scopes?: string[];
}

/** What a step-up sign-in answers, read from its claims request. */
export interface ChallengeSummary {
  /**
   * `cae`: Continuous Access Evaluation — a resource refused a token issued before a critical
   * event (revoked sessions, disabled account, changed password) and asks for one not before
   * `nbf`; `claims`: another claims request (MFA, Conditional Access); `interaction`: none.
   */
  kind: 'cae' | 'claims' | 'interaction';
  /** The critical event's time, epoch seconds (CAE). */
  nbf?: number;
}

/** Reads a claims request (JSON) for what it asks: a CAE `nbf`, other claims, or nothing. */
export function summarizeClaims(claims: string | undefined): ChallengeSummary {
  if (!claims) return { kind: 'interaction' };
  try {
    const parsed = JSON.parse(claims) as { access_token?: { nbf?: { value?: unknown } } };
    const nbf = Number(parsed.access_token?.nbf?.value);
    return Number.isInteger(nbf) && nbf > 0 ? { kind: 'cae', nbf } : { kind: 'claims' };
  } catch {
    return { kind: 'claims' };
  }
}

const SCOPE = /^[A-Za-z0-9._:/-]{1,200}$/;

/**
 * Reads an API response for a challenge the user can answer by signing in again:
 * - 401 with `WWW-Authenticate: Bearer error="insufficient_claims", claims="<base64>"`;
 * - 403 `{error: "consent_required" | "interaction_required", scopes?, claims?}`.
 */
export function challengeFromApiResponse(
  status: number,
  headers: Record<string, unknown>,
  body: unknown,
): ApiChallenge | undefined {
  if (status === 401) {
    const header = headers['www-authenticate'];
    const claims = claimsChallenge(typeof header === 'string' ? header : undefined);
    return claims ? { kind: 'claims', claims } : undefined;
  }
  if (status === 403 && body && typeof body === 'object') {
    const b = body as { error?: unknown; scopes?: unknown; claims?: unknown };
    if (b.error !== 'consent_required' && b.error !== 'interaction_required') return undefined;
    const scopes = Array.isArray(b.scopes)
      ? b.scopes.filter((s): s is string => typeof s === 'string' && SCOPE.test(s)).slice(0, 20)
      : typeof b.scopes === 'string'
        ? b.scopes
            .split(' ')
            .filter((s) => SCOPE.test(s))
            .slice(0, 20)
        : undefined;
    return {
      kind: b.error === 'consent_required' ? 'consent' : 'interaction',
      claims: decodeClaims(b.claims),
      scopes: scopes?.length ? scopes : undefined,
    };
  }
  return undefined;
}
