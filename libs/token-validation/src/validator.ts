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
import type {
  SyncTokenValidator,
  TokenClaims,
  TokenValidatorOptions,
  ValidatedToken,
} from './types';
import { VerifiedTokens, type VerifiedToken } from './verified-tokens';

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

  const verified =
    o.verifiedTokenCacheSize > 0 ? new VerifiedTokens(o.verifiedTokenCacheSize) : undefined;

  /** The token's digest when it may be remembered (a string within the size limit). */
  const digestOf = (token: string): string | undefined =>
    verified && typeof token === 'string' && token.length > 0 && token.length <= o.maxTokenBytes
      ? verified.digest(token)
      : undefined;

  // Everything that needs no key: size, shape, header rules, tenant allow-list.
  const prepare = (token: string): Prepared => {
    const jwt = decodeJwt(token, o.maxTokenBytes);
    const tenantId = tenants.check(jwt.payload);
    return { token, jwt, tenantId, resolver: resolverFor(tenantId) };
  };

  const accept = (
    token: string,
    payload: Readonly<Record<string, unknown>>,
    tenantId: string | undefined,
  ): ValidatedToken => {
    const validated = checkClaims(payload, tenantId, rules, o.now());
    // Non-enumerable (and read-only): never serialised, inspected or logged with the result.
    return Object.defineProperty(validated, 'assertion', { value: token }) as ValidatedToken;
  };

  const finish = (
    prepared: Prepared,
    entry: SigningKeyEntry,
    digest: string | undefined,
  ): ValidatedToken => {
    verifyRs256(prepared.jwt, entry);
    const { jwt, tenantId, resolver } = prepared;
    const validated = accept(prepared.token, jwt.payload, tenantId);
    if (digest !== undefined) {
      // Shared by every later request with this token: frozen, so no caller can alter it.
      const payload = Object.freeze(jwt.payload) as TokenClaims;
      verified?.remember(digest, { payload, kid: jwt.kid, tenantId, resolver, entry });
    }
    return validated;
  };

  /** A remembered token: only its claims are checked again (a failure forgets it). */
  const again = (token: string, digest: string, known: VerifiedToken): ValidatedToken => {
    try {
      return accept(token, known.payload, known.tenantId);
    } catch (err) {
      verified?.forget(digest);
      throw err;
    }
  };

  return {
    validateSync(token) {
      const digest = digestOf(token);
      const known = digest !== undefined ? verified?.get(digest) : undefined;
      if (known) return again(token, digest as string, known);
      const prepared = prepare(token);
      const entry = prepared.resolver.peek(prepared.jwt.kid);
      return entry ? finish(prepared, entry, digest) : undefined;
    },

    validate(token) {
      // Not an async function: a cached key answers without an extra await on the hot path.
      try {
        const digest = digestOf(token);
        const known = digest !== undefined ? verified?.get(digest) : undefined;
        if (known) return Promise.resolve(again(token, digest as string, known));
        const prepared = prepare(token);
        const entry = prepared.resolver.peek(prepared.jwt.kid);
        if (entry) return Promise.resolve(finish(prepared, entry, digest));
        return prepared.resolver
          .resolve(prepared.jwt.kid)
          .then((resolved) => finish(prepared, resolved, digest));
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
      return {
        jwksFetches,
        cachedKeys,
        verifiedTokens: verified?.size ?? 0,
        verifiedTokenHits: verified?.hits ?? 0,
      };
    },
  };
}
