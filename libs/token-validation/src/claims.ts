import { TokenValidationError, type TokenErrorCode } from './errors';
import { issuerTenants } from './tenant';
import type { TokenClaims, ValidatedClaims } from './types';

export interface ClaimRules {
  audiences: ReadonlySet<string>;
  matchIssuer: (iss: string, tid?: string) => boolean;
  clockToleranceSeconds: number;
  /** Refuse a token with neither `scp` nor `roles`. */
  requirePermissions: boolean;
}

/**
 * The claim checks of a signature-verified token, in a fixed order: claim types, lifetime,
 * audience, tenant/issuer consistency, issuer, version, permissions. Returns what callers need.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  tenantId: string | undefined,
  rules: ClaimRules,
  nowMs: number,
): ValidatedClaims {
  const exp = payload['exp'];
  const nbf = payload['nbf'];
  const iat = payload['iat'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    invalid('The token has no valid expiry (exp).');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    invalid('The token nbf is invalid.');
  }
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
    invalid('The token iat is invalid.');
  }

  if (typeof nbf === 'number' && nbf >= exp) invalid('The token nbf is not before its exp.');

  const now = nowMs / 1000;
  if (now >= exp + rules.clockToleranceSeconds) fail('ERR_TOKEN_EXPIRED', 'The token has expired.');
  if (typeof nbf === 'number' && now + rules.clockToleranceSeconds < nbf) {
    fail('ERR_TOKEN_NOT_YET_VALID', 'The token is not valid yet.');
  }

  const aud = payload['aud'];
  // Entra access tokens carry exactly one audience; a one-element array is tolerated.
  const single = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (typeof single !== 'string' || !rules.audiences.has(single)) {
    fail('ERR_TOKEN_AUDIENCE', 'The token is not meant for this audience.');
  }

  const iss = payload['iss'];
  if (typeof iss !== 'string') fail('ERR_TOKEN_ISSUER', 'The token issuer is not accepted.');
  if (tenantId !== undefined) {
    const tenants = issuerTenants(iss);
    if (
      tenants.length > 0 &&
      !tenants.includes(tenantId) &&
      !tenants.includes(tenantId.toLowerCase())
    ) {
      fail('ERR_TOKEN_TENANT_MISMATCH', 'The token tenant does not match its issuer.');
    }
  }
  if (!rules.matchIssuer(iss, tenantId)) {
    fail('ERR_TOKEN_ISSUER', 'The token issuer is not accepted.');
  }

  const ver = payload['ver'];
  if (ver !== undefined && ver !== '1.0' && ver !== '2.0') {
    invalid('The token version (ver) is not supported.');
  }
  const version =
    (ver as '1.0' | '2.0' | undefined) ?? (iss.startsWith('https://sts.') ? '1.0' : '2.0');

  const scp = payload['scp'];
  const rolesClaim = payload['roles'];
  if (scp !== undefined && typeof scp !== 'string') invalid('The token scp claim is invalid.');
  if (
    rolesClaim !== undefined &&
    (!Array.isArray(rolesClaim) || !rolesClaim.every((role) => typeof role === 'string'))
  ) {
    invalid('The token roles claim is invalid.');
  }
  const scopes = scp ? splitScopes(scp) : [];
  const roles = (rolesClaim as string[] | undefined) ?? [];
  if (rules.requirePermissions && scopes.length === 0 && roles.length === 0) {
    fail('ERR_TOKEN_NO_PERMISSIONS', 'The token carries neither scopes (scp) nor roles.');
  }

  const idtyp = payload['idtyp'];
  if (idtyp === 'app' && scopes.length > 0) {
    invalid('An app-only token cannot carry delegated scopes.');
  }
  const kind =
    idtyp === 'app' ? 'app' : idtyp === 'user' || scopes.length > 0 ? 'delegated' : 'app';

  const oid = payload['oid'];
  if (oid !== undefined && typeof oid !== 'string') invalid('The token oid claim is invalid.');

  const result: ValidatedClaims = { claims: payload as TokenClaims, scopes, roles, kind, version };
  if (tenantId !== undefined) result.tenantId = tenantId;
  if (oid !== undefined) result.objectId = oid;
  return result;
}

function splitScopes(scp: string): string[] {
  const scopes = scp.split(' ');
  return scopes.includes('') ? scopes.filter(Boolean) : scopes;
}

function invalid(message: string): never {
  fail('ERR_TOKEN_CLAIM_INVALID', message);
}

function fail(code: TokenErrorCode, message: string): never {
  throw new TokenValidationError(code, message);
}
