export { createLogger, SECRET_FIELDS, REDACT_PATHS, REDACTED, type LoggerOptions } from './logger';
export { errorSummary, causeSummary } from './error-summary';
export {
  correlation,
  correlationIdOf,
  CORRELATION_ID_FORMAT,
  CORRELATION_HEADER,
} from './correlation';
export { requestLog, type RequestLogOptions } from './request-log';
export { series } from './series';
export { healthRoutes, type ReadinessCheck, type HealthOptions } from './health';
export {
  createHttpServer,
  configureServer,
  listen,
  closeServer,
  type HttpServerOptions,
} from './http-server';
export {
  runService,
  type ServiceConfig,
  type ServiceDefinition,
  type RunningService,
  type ServiceProcess,
  type RunServiceOptions,
} from './bootstrap';
export {
  createRedisClient,
  closeRedisClient,
  redisBackoff,
  type RedisClient,
  type RedisClientOptions,
} from './redis';
export { errorHandler, type ErrorRenderer } from './error-handler';
