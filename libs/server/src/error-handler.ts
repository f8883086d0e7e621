import { toServiceError, type ServiceError } from '@obo/errors';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { causeSummary, errorSummary } from './error-summary';

/** Writes one error to the wire in the app's shape (JSON, HTML, OAuth…). */
export type ErrorRenderer = (error: ServiceError, req: Request, res: Response) => void;

/**
 * The Express error handler of every app, around the app's own renderer. Each error becomes a
 * ServiceError (`toServiceError`: ours as they are, a foreign 4xx with a stable code, anything
 * else an unexposed 500 `server_error`), and
 * - is logged: unexposed ones as errors (`server_error`, with the cause's type, message and
 *   stack — never its other properties, which may hold tokens); exposed 5xx and exposed errors
 *   with a cause as warnings with the cause's code, status and provider error numbers only;
 * - puts its code on the request's log line (`res.locals.errorCode`);
 * - sets its headers (`WWW-Authenticate`, `Retry-After`, `Allow`…) and goes to `render`.
 * When the response has already started, the connection is cut instead (nothing can be added).
 */
export function errorHandler(logger: Logger, render: ErrorRenderer): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    const error = toServiceError(thrown);
    const correlationId = res.locals.correlationId as string | undefined;
    res.locals.errorCode = error.code;
    if (!error.expose) {
      logger.error(
        { correlationId, errorCode: error.code, err: errorSummary(error.cause ?? error) },
        'server_error',
      );
    } else if (error.status >= 500 || error.cause !== undefined) {
      logger.warn(
        { correlationId, errorCode: error.code, cause: causeSummary(error.cause) },
        'request failed',
      );
    }
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    render(error, req, res);
  };
}
