import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middleware that applies to every request, run one after another inside one Express layer:
 * what a stack of `app.use(a); app.use(b)…` does, without Express 5's router matching and
 * bookkeeping between each (a few µs per layer per request, on a service's hot path). An error
 * (passed to `next`, thrown, or a rejected promise, as Express 5 catches them) leaves the series
 * for the app's error handling; so does `next('router')`. `next('route')` only makes sense inside
 * a route and is passed on as such.
 */
export function series(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let index = 0;
    const step = (signal?: unknown): void => {
      if (signal !== undefined && signal !== null) {
        next(signal);
        return;
      }
      const handler = handlers[index++];
      if (!handler) {
        next();
        return;
      }
      try {
        const result = handler(req, res, step) as unknown;
        if (result instanceof Promise) result.catch((error: unknown) => next(error ?? rejected()));
      } catch (error) {
        next(error);
      }
    };
    step();
  };
}

function rejected(): Error {
  return new Error('Rejected promise');
}
