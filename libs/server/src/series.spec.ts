import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { series } from './index';

/** An app whose first layer is the series and whose error handler answers the error's message. */
function appWith(...handlers: RequestHandler[]) {
  const app = express();
  app.use(series(...handlers));
  app.get('/', (_req, res) => {
    res.json({ seen: res.locals.seen ?? [] });
  });
  const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
    res.status(500).json({ error: error.message, seen: res.locals.seen ?? [] });
  };
  app.use(onError);
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    (res.locals.seen ??= []).push(name);
    next();
  };

describe('series()', () => {
  it('runs every handler in order, then the app’s next layer', async () => {
    const res = await request(appWith(mark('a'), mark('b'), mark('c')))
      .get('/')
      .expect(200);
    expect(res.body).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it('an empty series passes straight on', async () => {
    await request(appWith()).get('/').expect(200, { seen: [] });
  });

  it('a handler that answers ends the request: later handlers do not run', async () => {
    const answer: RequestHandler = (_req, res) => {
      res.status(204).end();
    };
    const res = await request(appWith(mark('a'), answer, mark('c'))).get('/');
    expect(res.status).toBe(204);
  });

  it('next(error) skips the rest and reaches the error handler', async () => {
    const fail: RequestHandler = (_req, _res, next) => next(new Error('refused'));
    const res = await request(appWith(mark('a'), fail, mark('c')))
      .get('/')
      .expect(500);
    expect(res.body).toEqual({ error: 'refused', seen: ['a'] });
  });

  it('a thrown error, and a rejected promise, reach the error handler too', async () => {
    const thrower: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejecter: RequestHandler = async () => {
      await Promise.resolve();
      throw new Error('rejected');
    };
    expect((await request(appWith(thrower)).get('/').expect(500)).body.error).toBe('thrown');
    expect((await request(appWith(rejecter)).get('/').expect(500)).body.error).toBe('rejected');
  });

  it('a handler that calls next later (asynchronously) continues the series', async () => {
    const later: RequestHandler = (_req, res, next) => {
      setImmediate(() => {
        (res.locals.seen ??= []).push('later');
        next();
      });
    };
    const res = await request(appWith(later, mark('b')))
      .get('/')
      .expect(200);
    expect(res.body).toEqual({ seen: ['later', 'b'] });
  });
});
