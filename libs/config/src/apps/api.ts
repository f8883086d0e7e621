import type { EnvSource } from '../env';
import { fields } from '../fields';
import {
  identityShape,
  resolveArm,
  resolveClient,
  resolveIdentity,
  type ArmConfig,
} from '../identity';
import { loadConfig, LOG_LEVELS, type LogLevel } from '../load';
import {
  tenantGuids,
  type ClientConfig,
  type IdentityProfile,
  type TokenValidationSettings,
} from '../profile/identity-profile';
import { Secret } from '../secret';

/** Everything `apps/api` reads from its environment. */
export interface ApiConfig {
  app: 'api';
  production: boolean;
  port: number;
  /** Bind address. Default `localhost`. */
  host: string;
  logLevel: LogLevel;
  identity: IdentityProfile;
  client: ClientConfig;
  arm: ArmConfig;
  /**
   * The API's token rules (`identity.tokenValidation(...)` turns them into validator options).
   * Defaults: audiences the client id and `api://{client id}`; allowed tenants the configured
   * tenant only; v1 tokens refused; 300 s clock skew.
   */
  tokenValidation: TokenValidationSettings & {
    /** Scope required for `/api/subscriptions`. Default `access_as_user`. */
    requiredScope: string;
  };
  oboCache: {
    /** L1 bound in entries. Default 10 000. */
    maxEntries: number;
    /** L1 bound in bytes. Default 64 MiB. */
    maxBytes: number;
  };
  /** Redis for the shared L2 token cache; undefined = L1 only. */
  redisUrl?: Secret;
  /** Origins allowed by CORS; empty = CORS off. */
  corsAllowedOrigins: string[];
  /** Whole-request timeout. Default 30 000 ms. */
  requestTimeoutMs: number;
  /** Per-call ARM timeout. Default 10 000 ms. */
  armTimeoutMs: number;
  /** Upper bound on `nextLink` pages followed. Default 50. */
  armMaxPages: number;
  /**
   * Development-only token journey: `GET /api/subscriptions?journey=1` adds the OBO token's
   * decoded claims and the hops' timings. Default true in the emulator profile outside
   * production, else false; refused in production.
   */
  tokenJourney: boolean;
}

const apiShape = {
  ...identityShape,
  PORT: fields.port(),
  HOST: fields.string(),
  LOG_LEVEL: fields.oneOf(LOG_LEVELS),
  API_AUDIENCES: fields.list(),
  ALLOWED_TENANTS: fields.list(),
  ACCEPT_V1_TOKENS: fields.boolean(),
  CLOCK_SKEW_SECONDS: fields.positiveInt(),
  REQUIRED_SCOPE: fields.string(),
  OBO_CACHE_MAX_ENTRIES: fields.positiveInt(),
  OBO_CACHE_MAX_BYTES: fields.positiveInt(),
  REDIS_URL: fields.string().refine((v) => v === undefined || /^rediss?:\/\/./.test(v), {
    message: 'expected a redis:// or rediss:// URL',
  }),
  CORS_ALLOWED_ORIGINS: fields.list(),
  REQUEST_TIMEOUT_MS: fields.positiveInt(),
  ARM_TIMEOUT_MS: fields.positiveInt(),
  ARM_MAX_PAGES: fields.positiveInt(),
  TOKEN_JOURNEY: fields.boolean(),
};

/** Loads and validates the API's configuration; throws ConfigError naming every bad variable. */
export function loadApiConfig(source: EnvSource = {}): ApiConfig {
  return loadConfig('api', apiShape, source, (v, issues, cwd) => {
    const identity = resolveIdentity(v, issues, cwd);
    const client = resolveClient(v, identity, 'api', issues);
    for (const origin of v.CORS_ALLOWED_ORIGINS ?? []) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
        issues.add(
          'CORS_ALLOWED_ORIGINS',
          'expected origins such as https://app.contoso.com (scheme and host, no path)',
        );
        break;
      }
    }
    const tokenJourney = resolveTokenJourney(v, identity?.isEmulator ?? false, issues);
    if (
      identity?.customerTenant &&
      tenantGuids(v.ALLOWED_TENANTS ?? [identity.tenantId]).length === 0
    ) {
      issues.add(
        'ALLOWED_TENANTS',
        `required for the ${identity.kind} profile: the tenant id (GUID) its token issuers name`,
      );
    }
    if (!identity || !client) return undefined;
    return {
      app: 'api',
      production: v.NODE_ENV === 'production',
      port: v.PORT ?? 4000,
      host: v.HOST ?? 'localhost',
      logLevel: v.LOG_LEVEL ?? 'info',
      identity,
      client,
      arm: resolveArm(v, identity),
      tokenValidation: {
        audiences: v.API_AUDIENCES ?? [client.clientId, `api://${client.clientId}`],
        allowedTenants: v.ALLOWED_TENANTS ?? [identity.tenantId],
        acceptV1: v.ACCEPT_V1_TOKENS ?? false,
        clockSkewSeconds: v.CLOCK_SKEW_SECONDS ?? 300,
        requiredScope: v.REQUIRED_SCOPE ?? 'access_as_user',
      },
      oboCache: {
        maxEntries: v.OBO_CACHE_MAX_ENTRIES ?? 10_000,
        maxBytes: v.OBO_CACHE_MAX_BYTES ?? 64 * 1024 * 1024,
      },
      redisUrl: v.REDIS_URL ? new Secret(v.REDIS_URL) : undefined,
      corsAllowedOrigins: v.CORS_ALLOWED_ORIGINS ?? [],
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS ?? 30_000,
      armTimeoutMs: v.ARM_TIMEOUT_MS ?? 10_000,
      armMaxPages: v.ARM_MAX_PAGES ?? 50,
      tokenJourney,
    };
  });
}

/**
 * TOKEN_JOURNEY: shows decoded token claims, so it is a development aid only. Default on in the
 * emulator profile outside production; `true` elsewhere in development turns it on; `true` with
 * NODE_ENV=production is refused.
 */
export function resolveTokenJourney(
  v: { NODE_ENV?: string; TOKEN_JOURNEY?: boolean },
  emulator: boolean,
  issues: { add(variable: string, message: string): void },
): boolean {
  const production = v.NODE_ENV === 'production';
  if (production) {
    if (v.TOKEN_JOURNEY === true) {
      issues.add(
        'TOKEN_JOURNEY',
        'the token journey shows decoded token claims and is for development only: unset it when NODE_ENV=production',
      );
    }
    return false;
  }
  return v.TOKEN_JOURNEY ?? emulator;
}
