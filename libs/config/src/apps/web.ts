import { randomBytes } from 'node:crypto';
import { EMULATOR_DEFAULTS } from '../emulator-defaults';
import type { EnvSource } from '../env';
import { fields } from '../fields';
import {
  identityShape,
  resolveClient,
  resolveGraph,
  resolveIdentity,
  type GraphConfig,
} from '../identity';
import { loadConfig, LOG_LEVELS, type LogLevel } from '../load';
import type { ClientConfig, IdentityProfile } from '../profile/identity-profile';
import { Secret } from '../secret';
import { resolveTokenJourney } from './api';

/** Everything `apps/web` reads from its environment. */
export interface WebConfig {
  app: 'web';
  production: boolean;
  port: number;
  /** Bind address. Default `localhost`. */
  host: string;
  logLevel: LogLevel;
  /** Public origin of the web app, used to build redirect URIs. Default `http://localhost:{port}`. */
  publicUrl: string;
  /** Path of the sign-in redirect. Default `/auth/redirect`. */
  redirectPath: string;
  identity: IdentityProfile;
  client: ClientConfig;
  api: {
    /** Default `http://localhost:4000`. */
    baseUrl: string;
    /** Scopes requested for the API (emulator: `api://{api id}/access_as_user`). */
    scopes: string[];
  };
  /**
   * Microsoft Graph, called with the user's own token (`/graph`); undefined when the identity
   * provider issues no delegated Graph tokens (Azure AD B2C).
   */
  graph?: GraphConfig;
  session: {
    secret: Secret;
    /** True when no SESSION_SECRET was given and a random one was generated for this process. */
    generatedSecret: boolean;
    /** Idle lifetime. Default 60 minutes. */
    idleMinutes: number;
    /** Absolute lifetime. Default 12 hours. */
    absoluteHours: number;
  };
  /** Redis for sessions; undefined = the bounded in-memory store. */
  redisUrl?: Secret;
  /** Express `trust proxy`: false, true, a hop count, or a list of addresses. Default false. */
  trustProxy: boolean | number | string;
  /**
   * Development-only `/journey` page (decoded claims of the ID, API and OBO tokens). Default
   * true in the emulator profile outside production, else false; refused in production.
   */
  tokenJourney: boolean;
}

const webShape = {
  ...identityShape,
  PORT: fields.port(),
  HOST: fields.string(),
  LOG_LEVEL: fields.oneOf(LOG_LEVELS),
  PUBLIC_URL: fields.httpUrl(),
  REDIRECT_PATH: fields.localPath(),
  API_BASE_URL: fields.httpUrl(),
  API_SCOPES: fields.list(),
  GRAPH_ENDPOINT: fields.httpsUrl(),
  SESSION_SECRET: fields.secret().refine((v) => v === undefined || v.length >= 32, {
    message: 'expected at least 32 characters',
  }),
  SESSION_IDLE_MINUTES: fields.positiveInt(),
  SESSION_ABSOLUTE_HOURS: fields.positiveInt(),
  REDIS_URL: fields.string().refine((v) => v === undefined || /^rediss?:\/\/./.test(v), {
    message: 'expected a redis:// or rediss:// URL',
  }),
  TRUST_PROXY: fields.string(),
  TOKEN_JOURNEY: fields.boolean(),
};

/** Loads and validates the web app's configuration; throws ConfigError naming every bad variable. */
export function loadWebConfig(source: EnvSource = {}): WebConfig {
  return loadConfig('web', webShape, source, (v, issues, cwd) => {
    const identity = resolveIdentity(v, issues, cwd);
    const client = resolveClient(v, identity, 'web', issues);
    const production = v.NODE_ENV === 'production';
    const emulator = identity?.isEmulator ?? false;

    const scopes =
      v.API_SCOPES ??
      (emulator ? [`api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`] : undefined);
    if (!emulator) {
      issues.require(
        'API_SCOPES',
        scopes,
        `for the ${identity?.kind ?? 'configured'} profile: e.g. api://{api client id}/access_as_user`,
      );
    }
    if (!v.SESSION_SECRET && (production || v.REDIS_URL)) {
      issues.require(
        'SESSION_SECRET',
        undefined,
        production
          ? 'when NODE_ENV=production: at least 32 random characters'
          : 'with REDIS_URL: instances sharing sessions need the same secret',
      );
    }
    const tokenJourney = resolveTokenJourney(v, emulator, issues);
    const graph = identity ? resolveGraph(v.GRAPH_ENDPOINT, identity, issues) : undefined;
    if (!identity || !client || !scopes) return undefined;
    const port = v.PORT ?? 3000;
    return {
      app: 'web',
      production,
      port,
      host: v.HOST ?? 'localhost',
      logLevel: v.LOG_LEVEL ?? 'info',
      publicUrl: v.PUBLIC_URL ?? `http://localhost:${port}`,
      redirectPath: v.REDIRECT_PATH ?? '/auth/redirect',
      identity,
      client,
      api: { baseUrl: v.API_BASE_URL ?? 'http://localhost:4000', scopes },
      graph,
      session: {
        secret: new Secret(v.SESSION_SECRET ?? randomBytes(32).toString('base64url')),
        generatedSecret: !v.SESSION_SECRET,
        idleMinutes: v.SESSION_IDLE_MINUTES ?? 60,
        absoluteHours: v.SESSION_ABSOLUTE_HOURS ?? 12,
      },
      redisUrl: v.REDIS_URL ? new Secret(v.REDIS_URL) : undefined,
      trustProxy: parseTrustProxy(v.TRUST_PROXY),
      tokenJourney,
    };
  });
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
