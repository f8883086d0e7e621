import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { SignInError, WebError } from '../errors';
import type { Views } from '../views/render';

/** Unknown routes: the 404 page. */
export function notFound(): RequestHandler {
  return (_req, _res, next) =>
    next(new WebError(404, 'not_found', 'There is no page at this address.'));
}

/**
 * The one error handler: sign-in failures → the auth error page (400); known errors → the
 * error page with their status; anything else → a generic 500, logged (never with tokens).
 */
export function errorHandler(views: Views, logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const correlationId = res.locals.correlationId as string;
    if (res.headersSent) return;
    if (error instanceof SignInError) {
      logger.warn(
        { correlationId, code: error.code, cause: describeCause(error.cause) },
        'sign-in failed',
      );
      return views.send(req, res, 400, 'auth-error', 'Sign-in failed', {
        error: error.code,
        description: error.description,
      });
    }
    const known = toWebError(error);
    if (known.status === 503) {
      // A dependency is down (e.g. Redis): expected while it lasts, and reported by /readyz.
      logger.warn(
        { correlationId, code: known.code, cause: serializeError(known.cause) },
        'unavailable',
      );
    } else if (known.status >= 500) {
      logger.error({ correlationId, err: serializeError(error) }, 'request failed');
    }
    const status = known.status;
    if (known.retryAfterSeconds !== undefined) {
      res.set('retry-after', String(known.retryAfterSeconds));
    }
    return views.send(req, res, status, 'error', headingFor(status), {
      status,
      heading: headingFor(status),
      code: known.expose ? known.code : 'server_error',
      message: known.expose ? known.message : 'Something went wrong on our side. Please try again.',
    });
  };
}

function toWebError(error: unknown): WebError {
  if (error instanceof WebError) return error;
  const e = error as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = e.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_request';
    const message = status === 413 ? 'The form was too large.' : 'The request was not valid.';
    return new WebError(status, code, message);
  }
  return new WebError(500, 'server_error', 'Unexpected error', { expose: false, cause: error });
}

function headingFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 401) return 'Sign-in required';
  if (status < 500) return 'Bad request';
  if (status === 503) return 'Temporarily unavailable';
  return 'Something went wrong';
}

function serializeError(error: unknown): Record<string, unknown> {
  const e = error as {
    name?: string;
    message?: string;
    stack?: string;
    errorCode?: string;
    code?: string;
  };
  return { name: e?.name, code: e?.errorCode ?? e?.code, message: e?.message, stack: e?.stack };
}

function describeCause(cause: unknown): Record<string, unknown> | undefined {
  if (!cause || typeof cause !== 'object') return undefined;
  const c = cause as { name?: string; errorCode?: string; subError?: string };
  return { name: c.name, code: c.errorCode, subError: c.subError };
}
