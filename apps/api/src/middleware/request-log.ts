import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One log line per request, written when the response is finished (or the client went
 * away): method, path without its query string, status, duration, correlation id and the
 * API's timings. Nothing from headers or bodies is logged.
 *
 * On the hot path this replaces pino-http: it logs through the app's logger directly instead
 * of building a child logger per request, and does nothing at all when the level is off.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const line = (msg: string, statusCode: number) => {
      const level = statusCode >= 500 ? 'error' : msg === 'request aborted' ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: { method: req.method, url: (req.originalUrl || req.url).split('?')[0] },
          res: { statusCode },
          responseTime: Math.round(performance.now() - started),
          correlationId: (res as Response).locals.correlationId,
          timings: (res as Response).locals.timings,
        },
        msg,
      );
    };
    res.once('finish', () => line('request completed', res.statusCode));
    res.once('close', () => {
      if (!res.writableFinished) line('request aborted', res.statusCode);
    });
    next();
  };
}
