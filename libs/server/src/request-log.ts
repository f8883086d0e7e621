import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

export interface RequestLogOptions {
  /** Paths (without query) whose requests are not logged, e.g. a probe's `/healthz`. Default none. */
  skip?: readonly string[];
}

/**
 * One log line per request, written when the response is closed: finished (`request
 * completed`) or the client went away first (`request aborted`, warn): method, path without its query string
 * (a redirect's query carries the authorization code), status, duration in ms, the correlation
 * id, and — when the app put them in `res.locals` — `timings` and the error's `errorCode`.
 * Nothing from headers or bodies. 5xx lines are errors.
 *
 * Cheap on the hot path: it logs through one child logger made once (no child per request, as
 * pino-http makes), does nothing when the level is off, and that child skips redaction — every
 * field above is built here from values that cannot hold a secret, and pino's wildcard
 * redaction would cost more than the rest of the line.
 */
export function requestLog(logger: Logger, options: RequestLogOptions = {}): RequestHandler {
  const lines = logger.child({}, { redact: [] });
  const skip = new Set(options.skip ?? []);
  return (req, res, next) => {
    const path = (req.originalUrl || req.url).split('?')[0];
    if (skip.has(path)) return next();
    const started = performance.now();
    const line = (msg: string, statusCode: number) => {
      const level = statusCode >= 500 ? 'error' : msg === 'request aborted' ? 'warn' : 'info';
      if (!lines.isLevelEnabled(level)) return;
      const locals = (res as Response).locals;
      lines[level](
        {
          req: { method: req.method, url: path },
          res: { statusCode },
          responseTime: Math.round(performance.now() - started),
          correlationId: locals.correlationId,
          timings: locals.timings,
          errorCode: locals.errorCode,
        },
        msg,
      );
    };
    // One listener: Node emits 'close' after 'finish' for an answered request too.
    res.once('close', () =>
      line(res.writableFinished ? 'request completed' : 'request aborted', res.statusCode),
    );
    next();
  };
}
