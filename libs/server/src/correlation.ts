import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * The caller correlation ids every server keeps: 1 to 64 letters, digits, `.`, `_`, `-` and
 * `:` (GUIDs, W3C trace ids, `service:request` pairs). Anything else is replaced by a fresh
 * UUID: the id is written into logs, headers and pages, so it must be short and plain.
 */
export const CORRELATION_ID_FORMAT = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request header (and response header) that carries the id. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** The caller's `x-correlation-id` when it has {@link CORRELATION_ID_FORMAT}, else a fresh UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && CORRELATION_ID_FORMAT.test(given) ? given : randomUUID();
}

/**
 * Gives every request a correlation id: `res.locals.correlationId`, the `x-correlation-id`
 * response header, and the request's own header normalised in place, so every later reader
 * (logs, error bodies, calls made on the request's behalf) sees the same safe id.
 */
export function correlation(): RequestHandler {
  return (req, res, next) => {
    const id = correlationIdOf(req);
    res.locals.correlationId = id;
    req.headers[CORRELATION_HEADER] = id;
    res.setHeader(CORRELATION_HEADER, id);
    next();
  };
}
