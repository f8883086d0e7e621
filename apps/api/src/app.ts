import type http from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { ApiConfig } from '@obo/config';
import { ServiceError } from '@obo/errors';
import {
  correlation,
  createHttpServer,
  createLogger,
  errorHandler,
  healthRoutes,
  requestLog,
  series,
  type ReadinessCheck,
} from '@obo/server';
import {
  authenticateBearer,
  createTokenValidator,
  requireScopes,
  type TokenValidator,
} from '@obo/token-validation';
import {
  MemoryTokenCache,
  OboClient,
  RedisCacheInvalidation,
  RedisTokenCache,
  type RedisLike,
  type RedisPubSubLike,
} from '@obo/token-acquisition';
import { ArmClient } from './arm/arm-client';
import { API_REALM, renderApiError } from './errors';
import { Metrics } from './metrics';
import { timingsOf } from './middleware/timings';
import { meRoutes } from './routes/me';
import { openApiRoutes } from './routes/openapi';
import { subscriptionsRoute } from './routes/subscriptions';

/**
 * A Redis client as the API uses it: the L2 cache commands, the invalidation channel between
 * instances (publish, and a duplicate connection to subscribe on) and a health ping.
 */
export interface RedisClientLike extends RedisLike, RedisPubSubLike {
  ping(): Promise<string>;
  readonly isReady: boolean;
}

/** Everything createApp would otherwise build from config; tests inject their own. */
export interface ApiDeps {
  logger?: Logger;
  validator?: TokenValidator;
  obo?: OboClient;
  arm?: ArmClient;
  metrics?: Metrics;
  /** Redis for the shared L2 cache; null = none even if REDIS_URL is set. */
  redis?: RedisClientLike | null;
}

export interface ApiApp {
  app: Express;
  logger: Logger;
  metrics: Metrics;
  obo: OboClient;
  /** Releases sockets and timers (not Redis, which the caller owns). */
  close(): void;
}

const MAX_BODY_BYTES = 16 * 1024;

/** The API's paths: other methods on them get 405, and metrics label only these. */
const ROUTES: ReadonlySet<string> = new Set([
  '/api/subscriptions',
  '/api/me',
  '/api/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
]);

/** Builds the API. Everything is reachable without a network port, for supertest. */
export function createApp(config: ApiConfig, deps: ApiDeps = {}): ApiApp {
  const logger = deps.logger ?? createLogger({ name: 'api', level: config.logLevel });
  const metrics = deps.metrics ?? new Metrics();
  const validator =
    deps.validator ?? createTokenValidator(config.identity.tokenValidation(config.tokenValidation));
  const redis = deps.redis ?? null;
  // The instances sharing L2 tell each other which L1 copies a claims challenge made stale.
  const invalidation =
    redis && !deps.obo
      ? new RedisCacheInvalidation(redis, {
          onError: (error, operation) =>
            logger.warn(
              { err: { message: error.message }, operation },
              'redis token cache invalidation unavailable',
            ),
        })
      : undefined;
  const obo =
    deps.obo ??
    new OboClient({
      identity: config.identity,
      client: config.client,
      l1: new MemoryTokenCache({
        maxEntries: config.oboCache.maxEntries,
        maxBytes: config.oboCache.maxBytes,
      }),
      l2: redis
        ? new RedisTokenCache(redis, {
            onError: (error, operation) =>
              logger.warn(
                { err: { message: error.message }, operation },
                'redis token cache unavailable; using L1 and the token endpoint',
              ),
          })
        : undefined,
      invalidation,
      onTokenRequest: (outcome) => metrics.tokenEndpoint.inc({ outcome }),
      log: (level, message) => logger[level]({ msal: message }, 'msal'),
    });
  metrics.trackL1(() => obo.l1Usage());
  const arm =
    deps.arm ??
    new ArmClient({
      endpoint: config.arm.endpoint,
      timeoutMs: config.armTimeoutMs,
      maxPages: config.armMaxPages,
      ca: config.identity.extraCa?.pem,
      onResponse: (status, ms) => metrics.observeArm(status, ms / 1000),
    });

  const readiness: ReadinessCheck[] = [{ name: 'signingKeys', check: () => validator.ready() }];
  if (redis)
    readiness.push({
      name: 'redis',
      check: async () => redis.isReady && (await redis.ping()) === 'PONG',
    });

  const handleError = errorHandler(logger, renderApiError);
  const authenticate = authenticateBearer(validator, { realm: API_REALM });
  const timedAuth: RequestHandler = (req, res, next) => {
    const started = performance.now();
    authenticate(req, res, (error?: unknown) => {
      timingsOf(res).validateMs = Math.round((performance.now() - started) * 100) / 100;
      next(error);
    });
  };
  const guard = [timedAuth, requireScopes(config.tokenValidation.requiredScope)];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // What every request goes through, in one layer (see `series`): its correlation id and log
  // line, the security headers, CORS when origins are configured, metrics, the body limit and
  // the request timeout.
  app.use(
    series(
      correlation(),
      requestLog(logger),
      // Security headers for a JSON API (OWASP REST Security): no framing, no sniffing, no
      // caching of per-user data, no referrer, same-origin resource policy, HSTS. The
      // HTML-oriented ones (COEP/COOP, DNS prefetch, download options, XSS filter…) add bytes to
      // every response and protect nothing a JSON body exposes.
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        },
        crossOriginEmbedderPolicy: false,
        crossOriginOpenerPolicy: false,
        originAgentCluster: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xFrameOptions: { action: 'deny' },
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
      }),
      noStore,
      // Without allowed origins, cors() would only call next(): no layer at all.
      ...(config.corsAllowedOrigins.length
        ? [
            cors({
              origin: config.corsAllowedOrigins,
              allowedHeaders: ['authorization', 'content-type', 'x-correlation-id'],
            }),
          ]
        : []),
      measure(metrics, config.requestTimeoutMs, handleError),
      rejectLargeBodies,
    ),
  );

  // The hot route first, on the app itself: every layer before it, and a router of its own,
  // would be more work on every request.
  app.get(
    '/api/subscriptions',
    ...subscriptionsRoute({
      obo,
      arm,
      armScope: config.arm.scope,
      metrics,
      logger,
      guard,
      tokenJourney: config.tokenJourney,
    }),
  );
  app.use(healthRoutes(readiness));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(openApiRoutes(config.tokenValidation.requiredScope));
  app.use(meRoutes(guard));
  app.use(methodNotAllowed(ROUTES));
  app.use((_req, _res, next) =>
    next(new ServiceError('not_found', 'No such route.', { status: 404 })),
  );
  app.use(handleError);

  return {
    app,
    logger,
    metrics,
    obo,
    close: () => {
      arm.close();
      invalidation?.close();
      if (!deps.obo) obo.close();
    },
  };
}

/**
 * The API's HTTP server (`@obo/server`'s rules): a whole request must have arrived 5 s after
 * the handler's own timeout, so a slow upload cannot hold a socket longer than a slow answer.
 */
export function createServer(app: Express, requestTimeoutMs: number): http.Server {
  return createHttpServer(app, { requestTimeoutMs: requestTimeoutMs + 5_000 });
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};

const rejectLargeBodies: RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) {
    req.resume();
    next(
      new ServiceError(
        'payload_too_large',
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
        { status: 413 },
      ),
    );
    return;
  }
  next();
};

/**
 * Per request, with one listener: counts it and its duration when it finishes (labelled by its
 * route, or `unmatched`: a label per unknown path would let anyone grow the metrics without
 * bound), and answers 503 `request_timeout` (through the app's error handler) when it takes
 * longer than `timeoutMs`.
 */
function measure(
  metrics: Metrics,
  timeoutMs: number,
  handleError: ErrorRequestHandler,
): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const error = new ServiceError('request_timeout', 'The request took too long.', {
        status: 503,
        expose: true,
        headers: { 'retry-after': '5' },
      });
      handleError(error, req, res, () => undefined);
    }, timeoutMs);
    timer.unref();
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) return;
      const route =
        (req.route?.path as string | undefined) ?? (ROUTES.has(req.path) ? req.path : 'unmatched');
      metrics.recordRequest(
        route,
        req.method,
        res.statusCode,
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

function methodNotAllowed(paths: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    if (!paths.has(req.path)) return next();
    next(
      new ServiceError('method_not_allowed', `${req.method} is not allowed here.`, {
        status: 405,
        headers: { allow: 'GET, HEAD' },
      }),
    );
  };
}
