import { TokenValidatorConfigError } from './errors';
import { fillTenant, hasTenantPlaceholder } from './issuers';
import type { KeySource } from './keys/key-source';
import { guidsIn, TENANT_ID_RE } from './tenant';
import type { TokenValidatorOptions } from './types';

/** Options with every default applied and every rule checked. */
export interface ResolvedOptions {
  jwksUri: string;
  jwksUriHasTenant: boolean;
  audiences: ReadonlySet<string>;
  issuers: readonly string[];
  allowedTenants: ReadonlySet<string> | '*';
  clockToleranceSeconds: number;
  maxTokenBytes: number;
  refetchIntervalMs: number;
  failedFetchBackoffMs: number;
  cacheMaxAgeMs: number;
  staleKeyMaxAgeMs: number;
  jwksTimeoutMs: number;
  ca?: string | Buffer;
  requireTenantId: boolean;
  requirePermissions: boolean;
  verifiedTokenCacheSize: number;
  keySource?: KeySource;
  now: () => number;
}

/**
 * Default minimum age of the key set before traffic may refetch it: the worst-case delay before
 * a newly published key is accepted, and the most an unknown-kid flood can fetch (one per 5 s).
 */
export const DEFAULT_REFETCH_INTERVAL_MS = 5_000;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function resolveOptions(options: TokenValidatorOptions): ResolvedOptions {
  const problems: string[] = [];
  const jwksUri = typeof options.jwksUri === 'string' ? options.jwksUri : '';
  const jwksUriHasTenant = hasTenantPlaceholder(jwksUri);
  checkJwksUri(jwksUri, problems);

  const audiences = nonEmptyStrings(options.audiences, 'audiences', problems);
  const issuers = nonEmptyStrings(options.issuers, 'issuers', problems);
  const templated = issuers.some(hasTenantPlaceholder);

  let allowedTenants: ReadonlySet<string> | '*';
  if (options.allowedTenants === '*') {
    allowedTenants = '*';
    if (jwksUriHasTenant) {
      problems.push(
        "allowedTenants '*' cannot be combined with a {tenantid} jwksUri: list the tenants",
      );
    }
  } else if (options.allowedTenants !== undefined) {
    const list = Array.isArray(options.allowedTenants) ? options.allowedTenants : [];
    if (list.length === 0 || !list.every((t) => typeof t === 'string' && TENANT_ID_RE.test(t))) {
      problems.push("allowedTenants must be '*' or a non-empty list of tenant ids");
    }
    allowedTenants = new Set(list.map((t) => String(t).toLowerCase()));
  } else if (templated || jwksUriHasTenant) {
    problems.push(
      "allowedTenants is required when an issuer or jwksUri contains {tenantid} (a list or '*')",
    );
    allowedTenants = new Set();
  } else {
    // Derived from the fixed issuers; issuers without a GUID (custom domains) rely on `iss` alone.
    const derived = issuers.flatMap(guidsIn);
    allowedTenants = derived.length > 0 ? new Set(derived) : '*';
  }

  const resolved: ResolvedOptions = {
    jwksUri,
    jwksUriHasTenant,
    audiences: new Set(audiences),
    issuers,
    allowedTenants,
    clockToleranceSeconds: nonNegative(
      options.clockToleranceSeconds,
      300,
      'clockToleranceSeconds',
      problems,
    ),
    maxTokenBytes: positive(options.maxTokenBytes, 16 * 1024, 'maxTokenBytes', problems),
    refetchIntervalMs: nonNegative(
      options.refetchIntervalMs,
      DEFAULT_REFETCH_INTERVAL_MS,
      'refetchIntervalMs',
      problems,
    ),
    failedFetchBackoffMs: nonNegative(
      options.failedFetchBackoffMs,
      30_000,
      'failedFetchBackoffMs',
      problems,
    ),
    cacheMaxAgeMs: positive(options.cacheMaxAgeMs, 600_000, 'cacheMaxAgeMs', problems),
    staleKeyMaxAgeMs: positive(options.staleKeyMaxAgeMs, 86_400_000, 'staleKeyMaxAgeMs', problems),
    jwksTimeoutMs: positive(options.jwksTimeoutMs, 10_000, 'jwksTimeoutMs', problems),
    requireTenantId: options.requireTenantId ?? true,
    requirePermissions: options.requirePermissions ?? true,
    verifiedTokenCacheSize: nonNegative(
      options.verifiedTokenCacheSize,
      4_096,
      'verifiedTokenCacheSize',
      problems,
    ),
    now: options.now ?? Date.now,
    ...(options.ca !== undefined && { ca: options.ca }),
    ...(options.keySource !== undefined && { keySource: options.keySource }),
  };
  if (!Number.isInteger(resolved.verifiedTokenCacheSize)) {
    problems.push('verifiedTokenCacheSize must be a whole number ≥ 0');
  }
  if (resolved.staleKeyMaxAgeMs < resolved.cacheMaxAgeMs) {
    problems.push('staleKeyMaxAgeMs must be at least cacheMaxAgeMs');
  }
  if (jwksUriHasTenant && !resolved.requireTenantId) {
    problems.push('a {tenantid} jwksUri needs requireTenantId: true');
  }
  if (problems.length > 0) {
    throw new TokenValidatorConfigError(`Invalid token validator options: ${problems.join('; ')}`);
  }
  return resolved;
}

function checkJwksUri(jwksUri: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(fillTenant(jwksUri, '00000000-0000-0000-0000-000000000000'));
  } catch {
    problems.push('jwksUri must be an absolute URL');
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return;
  problems.push('jwksUri must use https (http only on a loopback host)');
}

function nonEmptyStrings(value: unknown, name: string, problems: string[]): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && v)
  ) {
    problems.push(`${name} must be a non-empty list of non-empty strings`);
    return [];
  }
  return value as string[];
}

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number`);
  return value;
}

function nonNegative(
  value: number | undefined,
  fallback: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a number ≥ 0`);
  return value;
}
