import { checkClaims, type ClaimRules } from './claims';
import { TokenValidationError } from './errors';
import { compileIssuerMatcher, fillTenant } from './issuers';
import { decodeJwt, type DecodedJwt } from './jwt/decode';
import { verifyRs256 } from './jwt/verify-signature';
import { createJwksRsaKeySource } from './keys/jwks-rsa-source';
import { KeyResolver } from './keys/key-resolver';
import type { SigningKeyEntry } from './keys/key-source';
import { resolveOptions } from './options';
import { TenantPolicy } from './tenant';
import type { SyncTokenValidator, TokenValidatorOptions, ValidatedToken } from './types';

/**
 * Builds a validator for Microsoft Entra access tokens (RS256 JWTs whose keys come from a
 * JWKS). Throws TokenValidatorConfigError for bad options. See the README for every rule.
 */
export function createTokenValidator(options: TokenValidatorOptions): SyncTokenValidator {
  const o = resolveOptions(options);
  const source = o.keySource ?? createJwksRsaKeySource({ ca: o.ca, timeoutMs: o.jwksTimeoutMs });
  const tenants = new TenantPolicy(o.allowedTenants, o.requireTenantId);
  const rules: ClaimRules = {
    audiences: o.audiences,
    matchIssuer: compileIssuerMatcher(o.issuers),
    clockToleranceSeconds: o.clockToleranceSeconds,
    requirePermissions: o.requirePermissions,
  };
  // One resolver per JWKS URL; with a {tenantid} URL the tenants are allow-listed, so bounded.
  const resolvers = new Map<string, KeyResolver>();

  const resolverFor = (tenantId: string | undefined): KeyResolver => {
    if (o.jwksUriHasTenant && tenantId === undefined) {
      throw new TokenValidationError(
        'ERR_TOKEN_TENANT_MISSING',
        'The token has no tenant id (tid).',
      );
    }
    const jwksUri = o.jwksUriHasTenant
      ? fillTenant(o.jwksUri, String(tenantId).toLowerCase())
      : o.jwksUri;
    let resolver = resolvers.get(jwksUri);
    if (!resolver) {
      resolver = new KeyResolver({
        source,
        jwksUri,
        now: o.now,
        refetchIntervalMs: o.refetchIntervalMs,
        failedFetchBackoffMs: o.failedFetchBackoffMs,
        cacheMaxAgeMs: o.cacheMaxAgeMs,
        staleKeyMaxAgeMs: o.staleKeyMaxAgeMs,
      });
      resolvers.set(jwksUri, resolver);
    }
    return resolver;
  };

  interface Prepared {
    token: string;
    jwt: DecodedJwt;
    tenantId: string | undefined;
    resolver: KeyResolver;
  }

  // Everything that needs no key: size, shape, header rules, tenant allow-list.
  const prepare = (token: string): Prepared => {
    const jwt = decodeJwt(token, o.maxTokenBytes);
    const tenantId = tenants.check(jwt.payload);
    return { token, jwt, tenantId, resolver: resolverFor(tenantId) };
  };

  const finish = (prepared: Prepared, entry: SigningKeyEntry): ValidatedToken => {
    verifyRs256(prepared.jwt, entry);
    const validated = checkClaims(prepared.jwt.payload, prepared.tenantId, rules, o.now());
    // Non-enumerable (and read-only): never serialised, inspected or logged with the result.
    return Object.defineProperty(validated, 'assertion', {
      value: prepared.token,
    }) as ValidatedToken;
  };

  return {
    validateSync(token) {
      const prepared = prepare(token);
      const entry = prepared.resolver.peek(prepared.jwt.kid);
      return entry ? finish(prepared, entry) : undefined;
    },

    validate(token) {
      // Not an async function: a cached key answers without an extra await on the hot path.
      try {
        const prepared = prepare(token);
        const entry = prepared.resolver.peek(prepared.jwt.kid);
        if (entry) return Promise.resolve(finish(prepared, entry));
        return prepared.resolver
          .resolve(prepared.jwt.kid)
          .then((resolved) => finish(prepared, resolved));
      } catch (err) {
        return Promise.reject(err);
      }
    },

    async warmUp() {
      if (o.jwksUriHasTenant) {
        const list = o.allowedTenants === '*' ? [] : [...o.allowedTenants];
        const loaded = await Promise.all(list.map((tenantId) => resolverFor(tenantId).warmUp()));
        return loaded.some(Boolean);
      }
      return resolverFor(undefined).warmUp();
    },

    async ready() {
      if (o.jwksUriHasTenant) {
        const list = o.allowedTenants === '*' ? [] : [...o.allowedTenants];
        const loaded = await Promise.all(list.map((tenantId) => resolverFor(tenantId).ready()));
        return loaded.some(Boolean);
      }
      return resolverFor(undefined).ready();
    },

    stats() {
      let jwksFetches = 0;
      let cachedKeys = 0;
      for (const resolver of resolvers.values()) {
        jwksFetches += resolver.fetchCount;
        cachedKeys += resolver.cachedKeys;
      }
      return { jwksFetches, cachedKeys };
    },
  };
}
