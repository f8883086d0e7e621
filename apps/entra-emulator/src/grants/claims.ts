import { aad } from '../errors/entra';
import { isObject } from '../jwt';

/** The parts of a `claims` request parameter the emulator acts on. */
export interface ClaimsRequest {
  /** Conditional Access policy ids the client says it satisfies (`access_token.capolids`). */
  capolids: string[];
  /** Authentication context class references asked for (`access_token.acrs`). */
  acrs: string[];
  /** Client capabilities (`access_token.xms_cc`), e.g. `cp1`. */
  capabilities: string[];
  /**
   * `access_token.nbf` (CAE's claims challenge), epoch seconds: the token must rest on an
   * authentication no critical event before this time has revoked.
   */
  nbf?: number;
}

export const NO_CLAIMS: ClaimsRequest = { capolids: [], acrs: [], capabilities: [] };

/** Parses the OIDC `claims` parameter; throws AADSTS9002313 when it is not a JSON object. */
export function parseClaims(value: unknown): ClaimsRequest {
  if (value === undefined || value === '') return NO_CLAIMS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw aad.malformed("The 'claims' parameter is not valid JSON.");
  }
  if (!isObject(parsed)) throw aad.malformed("The 'claims' parameter must be a JSON object.");
  const at = isObject(parsed.access_token) ? parsed.access_token : {};
  const values = (entry: unknown): string[] =>
    isObject(entry) && Array.isArray(entry.values)
      ? entry.values.filter((v): v is string => typeof v === 'string')
      : [];
  const nbf = timeValue(at.nbf);
  return {
    capolids: values(at.capolids),
    acrs: values(at.acrs),
    capabilities: values(at.xms_cc),
    ...(nbf !== undefined ? { nbf } : {}),
  };
}

/** `{"value": "1700000000"}` (as ARM and Graph send it) or a number; else undefined. */
function timeValue(entry: unknown): number | undefined {
  if (!isObject(entry)) return undefined;
  const raw = entry.value;
  const value = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The MFA rule (documented in the README): a Conditional Access policy requiring MFA is
 * satisfied when the user's authentication already includes `mfa` (`amr`), or when the
 * request's `claims` names that policy in `capolids` or asks for any `acrs` value — that is
 * what a client sends after completing the step-up the challenge asked for.
 */
export function claimsSatisfyPolicy(claims: ClaimsRequest, policyId: string): boolean {
  return (
    claims.capolids.some((id) => id.toLowerCase() === policyId.toLowerCase()) ||
    claims.acrs.length > 0
  );
}

/** True when the claims ask for step-up (used by authorize to run the MFA step). */
export function claimsRequestStepUp(claims: ClaimsRequest): boolean {
  return claims.capolids.length > 0 || claims.acrs.length > 0;
}
