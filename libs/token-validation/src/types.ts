import type { KeySource } from './keys/key-source';

/** Options of {@link createTokenValidator}. Bad options throw at construction. */
export interface TokenValidatorOptions {
  /** JWKS URL. May contain `{tenantid}` (replaced by the token's tid, after tid is allow-listed). */
  jwksUri: string;
  /** Accepted `aud` values (e.g. [clientId, `api://${clientId}`] or ['https://management.azure.com/']). */
  audiences: string[];
  /**
   * Accepted issuers; may contain `{tenantid}`, e.g. 'https://login.microsoftonline.com/{tenantid}/v2.0',
   * 'https://sts.windows.net/{tenantid}/'. A v1 token is accepted only when a v1 issuer is listed.
   */
  issuers: string[];
  /**
   * Tenants accepted: a list of tenant GUIDs, or '*' for any tenant. Default: the tenant GUIDs
   * written in fixed `issuers`; required when an issuer contains {tenantid}. '*' together with a
   * `{tenantid}` in `jwksUri` is refused (anyone could make us fetch any tenant's JWKS).
   */
  allowedTenants?: string[] | '*';
  /** Clock skew allowed on `exp` and `nbf`. Default 300 s (5 minutes). */
  clockToleranceSeconds?: number;
  /** Longest token accepted, in bytes. Default 16 384 (16 KB). */
  maxTokenBytes?: number;
  /**
   * Minimum time between the start of the last JWKS fetch (of any kind) and a refetch caused by
   * traffic: a token with an unknown kid, or a background refresh. Default 5 000 ms (5 s): a
   * newly published key is accepted at most this long (plus one fetch) after it appears, and a
   * flood of unknown kids costs at most one fetch per interval per JWKS URL. 0 = refetch on every
   * unknown kid (single-flight only).
   */
  refetchIntervalMs?: number;
  /**
   * After a failed JWKS fetch, no fetch (cold load, background refresh, unknown kid) for this
   * long; `warmUp()` still fetches. Default 30 000 ms (30 s).
   */
  failedFetchBackoffMs?: number;
  /** Age after which the key set is refreshed in the background. Default 600 000 ms (10 minutes). */
  cacheMaxAgeMs?: number;
  /**
   * How long keys stay usable when the JWKS endpoint fails, counted from the last successful
   * fetch. Default 86 400 000 ms (24 h). Must be ≥ `cacheMaxAgeMs`.
   */
  staleKeyMaxAgeMs?: number;
  /** Timeout of one JWKS request. Default 10 000 ms. */
  jwksTimeoutMs?: number;
  /** Extra trusted CA (PEM) for the JWKS HTTPS fetch (the emulator's CA). */
  ca?: string | Buffer;
  /** Require `tid` claim (default true; B2C tokens have no tid: set false for B2C). */
  requireTenantId?: boolean;
  /**
   * Require `scp` or `roles` (default true). A resource that authorizes app-only callers by its
   * own role assignments instead — Azure Resource Manager's RBAC — accepts an app token without
   * `roles`: set false there.
   */
  requirePermissions?: boolean;
  /**
   * How many verified tokens are remembered, by SHA-256 of the token (never the token): a token
   * sent again skips decoding and the RSA signature check (about 60–80 µs of CPU here) while its
   * claims — lifetime, audience, issuer, tenant, permissions — are checked again on every
   * request. An entry lasts only while the key that verified it is still in the cached key set;
   * oldest out first; only tokens that passed get in. Default 4 096 (a few KB each); 0 = off.
   */
  verifiedTokenCacheSize?: number;
  /** Injection point for tests: where keys come from. Default: jwks-rsa over HTTP(S). */
  keySource?: KeySource;
  /** Injection point for tests: the clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Claims of a validated Entra access token; only the ones we read are typed. */
export type TokenClaims = Record<string, unknown> & {
  tid?: string;
  oid?: string;
  sub?: string;
  name?: string;
  preferred_username?: string;
  azp?: string;
  appid?: string;
  ver?: string;
  xms_cc?: string[];
};

/** A token that passed every check. */
export interface ValidatedToken {
  claims: TokenClaims;
  tenantId?: string;
  objectId?: string;
  /** Delegated permissions (`scp`, space-separated in the token). */
  scopes: string[];
  /** App roles (`roles`). */
  roles: string[];
  /** `delegated`: a user is present (`idtyp` user, or `scp` present); `app`: app-only. */
  kind: 'delegated' | 'app';
  version: '1.0' | '2.0';
  /**
   * The raw token that passed, for an On-Behalf-Of exchange (its `assertion`), so nobody has to
   * parse the `Authorization` header again. Not enumerable: `JSON.stringify`, `util.inspect`,
   * object spread and loggers never see it.
   */
  readonly assertion: string;
}

/** What the claim checks establish: a {@link ValidatedToken} before the raw token is attached. */
export type ValidatedClaims = Omit<ValidatedToken, 'assertion'>;

export interface TokenValidatorStats {
  jwksFetches: number;
  cachedKeys: number;
  /** Tokens whose verified signature is remembered now (see `verifiedTokenCacheSize`). */
  verifiedTokens: number;
  /** Validations that skipped decoding and RSA verification: the token was remembered. */
  verifiedTokenHits: number;
}

export interface TokenValidator {
  /** Resolves with the validated token; rejects with a TokenValidationError, never anything else. */
  validate(token: string): Promise<ValidatedToken>;
  /**
   * Synchronous fast path: the result when the token's key is already cached, `undefined` when
   * the key must be fetched first (then call {@link validate}). Throws TokenValidationError.
   * Optional in the interface (test doubles may omit it); `createTokenValidator` provides it.
   */
  validateSync?(token: string): ValidatedToken | undefined;
  /** Fetches the JWKS now, whatever the rate limits say (start-up); true when keys are loaded. */
  warmUp(): Promise<boolean>;
  /**
   * For readiness probes: true at once while usable keys are cached; otherwise one fetch at most
   * per `refetchIntervalMs` however often it is called (probes are unauthenticated).
   */
  ready(): Promise<boolean>;
  stats(): TokenValidatorStats;
}

/** What {@link createTokenValidator} returns: a TokenValidator whose sync fast path is always there. */
export interface SyncTokenValidator extends TokenValidator {
  validateSync(token: string): ValidatedToken | undefined;
}
