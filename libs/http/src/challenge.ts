/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** The auth-scheme, lower-case (`bearer`, `basic`, `pop`…). */
  scheme: string;
  /** auth-params, names lower-case, quoted values unescaped. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of params. */
  token68?: string;
}

/** Longest header parsed; a real one is well under 4 KiB even with a claims challenge. */
const MAX_HEADER_LENGTH = 16 * 1024;
/** Longest claims request decoded. */
const MAX_CLAIMS_LENGTH = 8 * 1024;
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/y;

/**
 * Every challenge of a `WWW-Authenticate` value, in order — `Bearer realm="", error="…",
 * claims="…"`, several challenges separated by commas, quoted-pairs, token68. Malformed parts
 * are skipped, never thrown on: the header comes from another service.
 */
export function parseWwwAuthenticate(
  header: string | readonly string[] | undefined,
): AuthChallenge[] {
  const text = Array.isArray(header) ? header.join(', ') : (header as string | undefined);
  if (!text || text.length > MAX_HEADER_LENGTH) return [];
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < text.length && chars.includes(text[i])) i++;
  };
  const token = (pattern: RegExp) => {
    const start = i;
    while (i < text.length && pattern.test(text[i])) i++;
    return text.slice(start, i);
  };

  while (i < text.length) {
    skip(' \t,');
    const scheme = token(TCHAR);
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(' \t');
    // token68 (`Negotiate abc==`): a token with '=' padding, then the end or a comma.
    TOKEN68.lastIndex = i;
    const token68 = TOKEN68.exec(text);
    if (token68) {
      challenge.token68 = token68[1];
      i += token68[1].length;
      continue;
    }
    for (;;) {
      skip(' \t,');
      const start = i;
      const name = token(TCHAR);
      skip(' \t');
      if (!name || text[i] !== '=') {
        i = start; // the next challenge's scheme (or junk the outer loop skips)
        break;
      }
      i++;
      skip(' \t');
      let value: string;
      if (text[i] === '"') {
        value = '';
        for (i++; i < text.length && text[i] !== '"'; i++) {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
        }
        i++;
      } else {
        value = token(TCHAR);
      }
      const key = name.toLowerCase();
      if (!(key in challenge.params)) challenge.params[key] = value;
    }
  }
  return challenges;
}

/** The auth-params of the first Bearer challenge, or undefined when there is none. */
export function parseBearerChallenge(
  header: string | readonly string[] | undefined,
): Record<string, string> | undefined {
  return parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer')?.params;
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

/** The `error` values under which a resource hands out a claims challenge. */
const CLAIMS_CHALLENGE_ERRORS = new Set(['insufficient_claims', 'invalid_token']);

/**
 * The claims (JSON text) of a Bearer claims challenge — what ARM, Graph and this workspace's API
 * send when a token needs more (MFA, Conditional Access, CAE) — or undefined when the header holds
 * no usable one. Entra's documentation shows `error="insufficient_claims"`; Azure Resource Manager
 * also answers a revoked session with `error="invalid_token"` and a `claims` directive (the Azure
 * SDK's ARM challenge policy reads the claims whatever the error), so both count.
 */
export function claimsChallenge(
  header: string | readonly string[] | undefined,
): string | undefined {
  const params = parseBearerChallenge(header);
  return params?.error !== undefined && CLAIMS_CHALLENGE_ERRORS.has(params.error)
    ? decodeClaims(params.claims)
    : undefined;
}
