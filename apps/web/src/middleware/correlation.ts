import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Accepts a caller's `x-correlation-id` when it is short and plain, else makes a new one. */
export function correlationIdOf(req: Request): string {
  const incoming = req.headers['x-correlation-id'];
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
}

/** Gives every request a correlation id (res.locals.correlationId and the response header). */
export const correlation: RequestHandler = (req, res, next) => {
  const id = correlationIdOf(req);
  res.locals.correlationId = id;
  res.setHeader('x-correlation-id', id);
  next();
};

export function correlationId(res: Response): string {
  return res.locals.correlationId as string;
}
