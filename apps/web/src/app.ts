import type { INetworkModule } from '@azure/msal-node';
import type { WebConfig } from '@obo/config';
import { NetworkClient } from '@obo/http';
import { UserTokenClient } from '@obo/token-acquisition';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { correlation, createLogger, errorHandler, healthRoutes, requestLog } from '@obo/server';
import { ApiClient } from './api/subscriptions-client';
import { SignInFlow } from './auth/sign-in';
import type { WebContext } from './context';
import { GraphClient } from './graph/graph-client';
import { notFound, renderWebError } from './middleware/errors';
import {
  absoluteLifetime,
  createSessionStore,
  sessionMiddleware,
  type RedisClientLike,
  type SessionStoreHandle,
} from './middleware/session';
import { authRoutes } from './routes/auth';
import { b2cRoutes } from './routes/b2c';
import { graphRoutes } from './routes/graph';
import { homeRoutes } from './routes/home';
import { journeyRoutes } from './routes/journey';
import { profileRoutes } from './routes/profile';
import { subscriptionRoutes } from './routes/subscriptions';
import { Views } from './views/render';

/** What createApp would otherwise build from config; tests inject their own. */
export interface WebDeps {
  logger?: Logger;
  /** MSAL's HTTP client. Default: a NetworkClient trusting `identity.extraCa`. */
  networkClient?: INetworkModule;
  /** A connected node-redis client for sessions (the caller closes it). */
  redis?: RedisClientLike;
  /** Most sessions the in-memory store keeps. Default 10 000. */
  maxMemorySessions?: number;
  /** Longest wait for Redis before a request is answered 503. Default 2 000 ms. */
  sessionStoreTimeoutMs?: number;
  /** Clock (epoch ms) for session lifetimes and pending sign-ins. */
  now?: () => number;
  /** Longest wait for Microsoft Graph's answer on `/graph`. Default 10 000 ms. */
  graphTimeoutMs?: number;
}

export interface WebApp {
  app: Express;
  logger: Logger;
  /** The session store (for readiness checks and tests that count sessions). */
  sessions: SessionStoreHandle;
  /** Releases sockets and a Redis client created from REDIS_URL. */
  close(): Promise<void>;
}

/** Largest form body accepted (the sign-out form is a few dozen bytes). */
const MAX_FORM_BYTES = '4kb';

/** Builds the web app; everything is reachable without a network port, for supertest. */
export function createApp(config: WebConfig, deps: WebDeps = {}): WebApp {
  const logger = deps.logger ?? createLogger({ name: 'web', level: config.logLevel });
  const now = deps.now ?? Date.now;
  const ownNetworkClient = deps.networkClient
    ? undefined
    : new NetworkClient({ ca: config.identity.extraCa?.pem });
  const networkClient: INetworkModule = deps.networkClient ?? (ownNetworkClient as NetworkClient);
  const tokens = new UserTokenClient({
    profile: config.identity,
    client: config.client,
    redirectUri: new URL(config.redirectPath, config.publicUrl).toString(),
    scopes: config.api.scopes,
    networkClient,
    log: (level, message) => logger[level]({ msal: message }, 'msal'),
  });
  const ctx: WebContext = {
    config,
    logger,
    now,
    tokens,
    views: new Views({ journey: config.tokenJourney, graph: config.graph !== undefined }),
    signIn: new SignInFlow(config, tokens, now),
    api: new ApiClient({ baseUrl: config.api.baseUrl, ca: config.identity.extraCa?.pem }),
    graph: config.graph
      ? new GraphClient({
          endpoint: config.graph.endpoint,
          ca: config.identity.extraCa?.pem,
          timeoutMs: deps.graphTimeoutMs,
        })
      : undefined,
    sessions: createSessionStore(config, {
      redis: deps.redis,
      maxMemorySessions: deps.maxMemorySessions,
      redisTimeoutMs: deps.sessionStoreTimeoutMs,
      logger,
    }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(correlation());
  // Probes poll /healthz every few seconds: not worth a line each.
  app.use(requestLog(logger, { skip: ['/healthz'] }));
  app.use(securityHeaders(config));
  app.use(healthRoutes([{ name: 'sessionStore', check: () => ctx.sessions.ready() }]));
  app.use(cookieParser());
  app.use(sessionMiddleware(config, ctx.sessions.store));
  app.use(absoluteLifetime(config, now));
  app.use(express.urlencoded({ extended: false, limit: MAX_FORM_BYTES, parameterLimit: 20 }));
  app.use(homeRoutes(ctx));
  app.use(authRoutes(ctx));
  app.use(profileRoutes(ctx));
  app.use(b2cRoutes(ctx));
  app.use(subscriptionRoutes(ctx));
  if (config.graph && ctx.graph) app.use(graphRoutes(ctx, config.graph, ctx.graph));
  if (config.tokenJourney) app.use(journeyRoutes(ctx));
  app.use(notFound());
  app.use(errorHandler(logger, renderWebError(ctx.views)));

  return {
    app,
    logger,
    sessions: ctx.sessions,
    close: async () => {
      ctx.api.close();
      ctx.graph?.close();
      ownNetworkClient?.close();
      await ctx.sessions.close();
    },
  };
}

/**
 * helmet with a CSP that allows no script at all; forms may post only to this app, and the
 * sign-out form's redirect may go on to the authority's end-session page.
 */
function securityHeaders(config: WebConfig) {
  const https = config.publicUrl.startsWith('https:');
  const authorityOrigin = new URL(config.identity.authority).origin;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'", authorityOrigin],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
