import { ServiceError } from '@obo/errors';
import express, { type Express } from 'express';
import request from 'supertest';
import { correlation, createLogger, errorHandler, requestLog, type ErrorRenderer } from './index';
import { logLines } from './test/log-lines';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.SECRET-PAYLOAD.sig';

function appThrowing(thrown: () => unknown, render?: ErrorRenderer) {
  const { lines, destination } = logLines();
  const logger = createLogger({ name: 'test', level: 'info', destination });
  const rendered: ServiceError[] = [];
  const app: Express = express();
  app.use(correlation());
  app.use(requestLog(logger));
  app.get('/', () => {
    throw thrown();
  });
  app.get('/started', (_req, res, next) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    next(new Error('late'));
  });
  app.use(
    errorHandler(
      logger,
      render ??
        ((error, _req, res) => {
          rendered.push(error);
          res.status(error.status).json({ code: error.code });
        }),
    ),
  );
  return { app, lines, rendered };
}

describe('errorHandler', () => {
  it('hands our errors to the renderer with their headers set, and logs the code on the request line', async () => {
    const { app, lines, rendered } = appThrowing(
      () =>
        new ServiceError('invalid_token', 'The token has expired.', {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' },
        }),
    );
    const res = await request(app).get('/').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(res.body).toEqual({ code: 'invalid_token' });
    expect(rendered[0]).toBeInstanceOf(ServiceError);
    // An exposed 4xx without a cause is the caller's business: the request line says it all.
    expect(lines.map((l) => l.msg)).toEqual(['request completed']);
    expect(lines[0]).toMatchObject({ res: { statusCode: 401 }, errorCode: 'invalid_token' });
  });

  it('maps foreign client errors to a ServiceError with a stable code', async () => {
    const { app, rendered } = appThrowing(() =>
      Object.assign(new Error('raw'), { status: 413, type: 'entity.too.large' }),
    );
    await request(app).get('/').expect(413);
    expect(rendered[0]).toMatchObject({ code: 'payload_too_large', status: 413, expose: true });
  });

  it('logs an unexpected error as server_error with its stack, never its other properties', async () => {
    const { app, lines, rendered } = appThrowing(() =>
      Object.assign(new Error('downstream exploded'), {
        config: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    const res = await request(app).get('/').set('x-correlation-id', 'corr-500').expect(500);
    expect(res.body).toEqual({ code: 'server_error' });
    expect(rendered[0]).toMatchObject({ expose: false, status: 500 });
    const line = lines.find((l) => l.msg === 'server_error');
    expect(line).toMatchObject({
      level: 50,
      correlationId: 'corr-500',
      errorCode: 'server_error',
      err: { message: 'downstream exploded', stack: expect.any(String) },
    });
    expect(JSON.stringify(lines)).not.toContain('SECRET-PAYLOAD');
  });

  it('logs the cause of an exposed error by its numbers, not its text', async () => {
    const cause = Object.assign(new Error('AADSTS50034: The user account does not exist'), {
      errorCode: 'invalid_grant',
      details: { aadsts: [50034] },
    });
    const { app, lines } = appThrowing(
      () => new ServiceError('user_access_denied', 'Refused.', { status: 403, cause }),
    );
    await request(app).get('/').set('x-correlation-id', 'corr-403').expect(403);
    const line = lines.find((l) => l.msg === 'request failed');
    expect(line).toMatchObject({
      level: 40,
      correlationId: 'corr-403',
      errorCode: 'user_access_denied',
      cause: { name: 'Error', errorCode: 'invalid_grant', aadsts: [50034] },
    });
    expect(JSON.stringify(lines)).not.toContain('does not exist');
  });

  it('warns about exposed server-side failures even without a cause', async () => {
    const { app, lines } = appThrowing(
      () =>
        new ServiceError('arm_unavailable', 'ARM could not be reached.', {
          status: 502,
          expose: true,
        }),
    );
    await request(app).get('/').expect(502);
    expect(lines.find((l) => l.msg === 'request failed')).toMatchObject({ level: 40 });
  });

  it('cuts the connection when the response had already started', async () => {
    const render = jest.fn();
    const { app } = appThrowing(() => new Error('unused'), render);
    await expect(request(app).get('/started')).rejects.toThrow();
    expect(render).not.toHaveBeenCalled();
  });
});
