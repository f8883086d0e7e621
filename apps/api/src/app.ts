import http from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { ApiConfig } from '@obo/config';
import {
  authenticateBearer,
  createTokenValidator,
  requireScopes,
  type TokenValidator,
} from '@obo/token-validation';
import {
  MemoryTokenCache,
  OboClient,
  RedisTokenCache,
  type RedisLike,
} from '@obo/token-acquisition';
import { ArmClient } from './arm/arm-client';
import { ApiError } from './errors';
import { createLogger } from './logger';
import { Metrics } from './metrics';
import { correlationIdOf } from './middleware/correlation';
import { requestLog } from './middleware/request-log';
import { timingsOf } from './middleware/timings';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { meRoutes } from './routes/me';
import { openApiRoutes } from './routes/openapi';
import { subscriptionRoutes } from './routes/subscriptions';

/** A Redis client as the API uses it: the L2 cache commands plus a health ping. */
export interface RedisClientLike extends RedisLike {
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

/** Builds the API. Everything is reachable without a network port, for supertest. */
export function createApp(config: ApiConfig, deps: ApiDeps = {}): ApiApp {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? new Metrics();
  const validator =
    deps.validator ?? createTokenValidator(config.identity.tokenValidation(config.tokenValidation));
  const redis = deps.redis ?? null;
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
      onResponse: (status, ms) =>
        metrics.armDuration.observe({ status: String(status) }, ms / 1000),
    });

  const readiness: ReadinessCheck[] = [{ name: 'signingKeys', check: () => validator.ready() }];
  if (redis)
    readiness.push({
      name: 'redis',
      check: async () => redis.isReady && (await redis.ping()) === 'PONG',
    });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const correlationId = correlationIdOf(req);
    res.locals.correlationId = correlationId;
    // Normalised in place so every later reader (logs, error bodies) sees the same safe id.
    req.headers['x-correlation-id'] = correlationId;
    res.setHeader('x-correlation-id', correlationId);
    next();
  });
  app.use(requestLog(logger));
  // Security headers for a JSON API (OWASP REST Security): no framing, no sniffing, no
  // caching of per-user data, no referrer, same-origin resource policy, HSTS. The HTML-oriented
  // ones (COEP/COOP, DNS prefetch, download options, XSS filter…) add bytes to every response
  // and protect nothing a JSON body exposes.
  app.use(
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
  );
  app.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  app.use(
    cors(
      config.corsAllowedOrigins.length
        ? {
            origin: config.corsAllowedOrigins,
            allowedHeaders: ['authorization', 'content-type', 'x-correlation-id'],
          }
        : { origin: false },
    ),
  );
  app.use(recordMetrics(metrics));
  app.use(rejectLargeBodies);
  app.use(requestTimeout(config.requestTimeoutMs));

  const bearerOptions = {
    realm: 'api',
    errorBody: (req: { headers: Record<string, unknown> }) => ({
      correlationId: req.headers['x-correlation-id'],
    }),
  };
  const authenticate = authenticateBearer(validator, bearerOptions);
  const timedAuth: RequestHandler = (req, res, next) => {
    const started = performance.now();
    authenticate(req, res, (error?: unknown) => {
      timingsOf(res).validateMs = Math.round((performance.now() - started) * 100) / 100;
      next(error);
    });
  };
  const guard = [timedAuth, requireScopes(config.tokenValidation.requiredScope)];

  app.use(healthRoutes(readiness));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(openApiRoutes(config.tokenValidation.requiredScope));
  app.use(meRoutes(guard));
  app.use(
    subscriptionRoutes({
      obo,
      arm,
      armScope: config.arm.scope,
      metrics,
      guard,
      tokenJourney: config.tokenJourney,
    }),
  );
  app.use(
    methodNotAllowed([
      '/api/subscriptions',
      '/api/me',
      '/api/openapi.json',
      '/healthz',
      '/readyz',
      '/metrics',
    ]),
  );
  app.use((_req, _res, next) => next(new ApiError(404, 'not_found', 'No such route.')));
  app.use(errorHandler(logger));

  return {
    app,
    logger,
    metrics,
    obo,
    close: () => {
      arm.close();
      if (!deps.obo) obo.close();
    },
  };
}

/**
 * An HTTP server for the app with the API's connection rules: keep-alive longer than any
 * client's idle timeout (so a reused socket is not closed under it), and malformed or
 * oversized requests answered with a JSON error instead of a bare close.
 */
export function createServer(app: Express, requestTimeoutMs: number): http.Server {
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = requestTimeoutMs + 5_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      error: status === 431 ? 'request_header_fields_too_large' : 'invalid_request',
      error_description:
        status === 431 ? 'Request headers are too large.' : 'Malformed HTTP request.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

function recordMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route =
        (req.route?.path as string | undefined) ??
        (res.statusCode === 404 ? 'unmatched' : req.path);
      const labels = { route, method: req.method, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}

const rejectLargeBodies: RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) {
    req.resume();
    next(
      new ApiError(
        413,
        'payload_too_large',
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
      ),
    );
    return;
  }
  next();
};

function requestTimeout(ms: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) {
        res.status(503).set('retry-after', '5').json({
          error: 'request_timeout',
          error_description: 'The request took too long.',
          correlationId: res.locals.correlationId,
        });
      }
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

function methodNotAllowed(paths: string[]): RequestHandler {
  return (req, res, next) => {
    if (!paths.includes(req.path)) return next();
    res.setHeader('allow', 'GET, HEAD');
    next(new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here.`));
  };
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const correlationId = res.locals.correlationId as string;
    const known = toApiError(error);
    if (res.headersSent) return;
    if (known.status >= 500 && !known.expose) {
      logger.error({ err: error, correlationId }, 'request failed');
    } else if (known.status >= 500 || known.cause) {
      logger.warn(
        { code: known.code, correlationId, cause: describeCause(known.cause) },
        'request failed',
      );
    }
    for (const [name, value] of Object.entries(known.extra.headers ?? {}))
      res.setHeader(name, value);
    res.status(known.status).json({
      error: known.expose ? known.code : 'server_error',
      error_description: known.expose ? known.message : 'An unexpected error occurred.',
      ...(known.expose ? known.extra.body : {}),
      correlationId,
    });
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as {
    status?: number;
    statusCode?: number;
    code?: string;
    expose?: boolean;
    type?: string;
    message?: string;
    headers?: Record<string, string>;
  };
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(
      status,
      typeof e.code === 'string' && /^[a-z_]+$/.test(e.code)
        ? e.code
        : (e.type?.replace(/\./g, '_') ?? 'invalid_request'),
      e.expose === false ? 'Invalid request.' : (e.message ?? 'Invalid request.'),
      { headers: e.headers },
    );
  }
  return new ApiError(
    500,
    'server_error',
    'An unexpected error occurred.',
    { expose: false },
    { cause: error },
  );
}

function describeCause(cause: unknown): Record<string, unknown> | undefined {
  if (!cause || typeof cause !== 'object') return undefined;
  const c = cause as {
    name?: string;
    code?: string;
    errorCode?: string;
    status?: number;
    details?: { aadsts?: number[]; aadb2c?: number[] };
  };
  // The provider's error numbers (never its text): whose problem it was, for the operator.
  return {
    name: c.name,
    code: c.code ?? c.errorCode,
    status: c.status,
    aadsts: c.details?.aadsts?.length ? c.details.aadsts : undefined,
    aadb2c: c.details?.aadb2c?.length ? c.details.aadb2c : undefined,
  };
}
