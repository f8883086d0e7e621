/** What the API asked for when it refused a token: the sign-in must be repeated. */
export interface ApiChallenge {
  kind: 'claims' | 'consent' | 'interaction';
  /** Claims request (JSON) to pass on the authorize URL, when given. */
  claims?: string;
  /** Extra scopes to consent to, when given. */
  scopes?: string[];
}

const MAX_CLAIMS_LENGTH = 8 * 1024;
const SCOPE = /^[A-Za-z0-9._:/-]{1,200}$/;

/**
 * Parses the auth-params of an RFC 6750 `WWW-Authenticate: Bearer ...` header. Returns
 * undefined when the header is not a Bearer challenge.
 */
export function parseBearerChallenge(
  header: string | undefined,
): Record<string, string> | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\b(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g;
  for (const m of match[1].matchAll(param)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return params;
}

/**
 * Decodes a claims request: base64 (as in `WWW-Authenticate ... claims="..."`) or plain JSON.
 * Returns the JSON text, or undefined if it is not a JSON object of reasonable size.
 */
export function decodeClaims(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLAIMS_LENGTH) {
    return undefined;
  }
  const text = value.trimStart().startsWith('{')
    ? value
    : Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return JSON.stringify(parsed);
  } catch {
    return undefined;
  }
}

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
    const params = parseBearerChallenge(typeof header === 'string' ? header : undefined);
    if (params?.error !== 'insufficient_claims') return undefined;
    const claims = decodeClaims(params.claims);
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
