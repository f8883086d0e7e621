import { TokenValidationError } from './errors';

/** A tenant id as it may appear in `tid` and in URLs: a GUID in Entra, never a path. */
export const TENANT_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const GUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Every GUID written in `text`, lower-cased. */
export function guidsIn(text: string): string[] {
  return (text.match(GUID_RE) ?? []).map((guid) => guid.toLowerCase());
}

// Issuers repeat on every token: remember their GUIDs (bounded; cleared when full).
const issuerGuids = new Map<string, readonly string[]>();

/** {@link guidsIn} for an issuer, remembered. */
export function issuerTenants(iss: string): readonly string[] {
  let guids = issuerGuids.get(iss);
  if (!guids) {
    guids = guidsIn(iss);
    if (issuerGuids.size >= 256) issuerGuids.clear();
    issuerGuids.set(iss, guids);
  }
  return guids;
}

/**
 * The tenant rules, applied before any cryptography (a foreign tenant costs nothing and never
 * makes us fetch its JWKS): `tid` present when required, well-formed, and allow-listed.
 */
export class TenantPolicy {
  constructor(
    private readonly allowed: ReadonlySet<string> | '*',
    private readonly requireTenantId: boolean,
  ) {}

  /** The token's tenant id, or undefined when it has none and none is required. */
  check(payload: Record<string, unknown>): string | undefined {
    const tid = payload['tid'];
    if (tid === undefined) {
      if (this.requireTenantId) {
        throw new TokenValidationError(
          'ERR_TOKEN_TENANT_MISSING',
          'The token has no tenant id (tid).',
        );
      }
      return undefined;
    }
    // Allow-listed ids were checked at construction; only others need the format check.
    if (typeof tid === 'string' && this.allowed !== '*' && this.allowed.has(tid)) return tid;
    if (typeof tid !== 'string' || !TENANT_ID_RE.test(tid)) {
      throw new TokenValidationError(
        'ERR_TOKEN_CLAIM_INVALID',
        'The token tenant id (tid) is malformed.',
      );
    }
    if (this.allowed !== '*' && !this.allowed.has(tid.toLowerCase())) {
      throw new TokenValidationError(
        'ERR_TOKEN_TENANT_NOT_ALLOWED',
        'The token tenant is not accepted.',
      );
    }
    return tid;
  }
}
