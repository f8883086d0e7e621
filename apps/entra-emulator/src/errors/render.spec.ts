import { Writable } from 'node:stream';
import { TokenValidationError } from '@obo/token-validation';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createEmulatorApp } from '../app';
import { localSite } from '../sites/site';
import { errorHandler, type Surface } from './render';

/**
 * The one error handler: whatever a route throws (or passes to `next`) is answered in the
 * route's surface. Routes here throw on purpose; the emulator's own routes are covered by the
 * wire-shapes and malformed-request specs.
 */
describe('errorHandler', () => {
  const logged: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  const { context } = createEmulatorApp({ logger });
  const SURFACES: Surface[] = ['oauth', 'page', 'graph', 'arm', 'control'];

  /** An app whose route `/{surface}` passes `thrown` to `next`, answered by that surface. */
  const appThrowing = (thrown: unknown) => {
    const app = express();
    app.use(localSite(context.sites)); // as every emulator app does first
    for (const surface of SURFACES) {
      app.get(`/${surface}`, (_req, _res, next) => next(thrown));
      app.use(`/${surface}`, errorHandler(context, surface));
    }
    return app;
  };

  it('answers a refused bearer token passed to next() as ARM and Graph do', async () => {
    const expired = new TokenValidationError('ERR_TOKEN_EXPIRED', 'The token has expired.');
    const arm = await request(appThrowing(expired)).get('/arm');
    expect(arm.status).toBe(401);
    expect(arm.body).toEqual({
      error: {
        code: 'ExpiredAuthenticationToken',
        message: 'The access token is invalid: The token has expired.',
      },
    });
    expect(arm.headers['www-authenticate']).toBe(
      `Bearer authorization_uri="${context.baseUrl}/${context.seed.tenant.id}", error_description="The access token is invalid: The token has expired.", error="invalid_token"`,
    );
    const graph = await request(appThrowing(expired)).get('/graph');
    expect([graph.status, graph.body.error.code]).toEqual([401, 'InvalidAuthenticationToken']);
    const noPermission = new TokenValidationError('ERR_TOKEN_NO_PERMISSIONS', 'No scp or roles.');
    const denied = await request(appThrowing(noPermission)).get('/graph');
    expect([denied.status, denied.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
  });

  it('answers a body it cannot read in each surface’s shape, keeping its status', async () => {
    const tooLarge = Object.assign(new Error('raw'), { type: 'entity.too.large', status: 413 });
    const app = appThrowing(tooLarge);
    const token = await request(app).get('/oauth');
    expect([token.status, token.body.error, token.body.error_codes]).toEqual([
      413,
      'invalid_request',
      [9002313],
    ]);
    const page = await request(app).get('/page');
    expect([page.status, page.type, page.text.includes('AADSTS9002313')]).toEqual([
      413,
      'text/html',
      true,
    ]);
    const graph = await request(app).get('/graph');
    expect([graph.status, graph.body.error.code]).toEqual([413, 'Request_EntityTooLarge']);
    const arm = await request(app).get('/arm');
    expect([arm.status, arm.body.error.code]).toEqual([413, 'BadRequest']);
    const control = await request(app).get('/control');
    expect([control.status, control.body.error]).toEqual([413, 'invalid_request']);
  });

  it('answers a bug with a 500 in each surface’s shape, logs it and shows nothing of it', async () => {
    const app = appThrowing(new Error('internal detail 0b0e'));
    const shapes: Record<Surface, (res: request.Response) => unknown> = {
      oauth: (res) => [res.body.error, res.body.error_codes],
      page: (res) => res.text.includes('AADSTS90033'),
      graph: (res) => res.body.error.code,
      arm: (res) => res.body.error.code,
      control: (res) => res.body.error,
    };
    const expected: Record<Surface, unknown> = {
      oauth: ['server_error', [90033]],
      page: true,
      graph: 'generalException',
      arm: 'InternalServerError',
      control: 'server_error',
    };
    for (const surface of SURFACES) {
      logged.length = 0;
      const res = await request(app).get(`/${surface}`);
      expect({ surface, status: res.status, shape: shapes[surface](res) }).toEqual({
        surface,
        status: 500,
        shape: expected[surface],
      });
      expect(res.text).not.toContain('internal detail');
      expect(logged.join('')).toContain('internal detail 0b0e');
    }
  });
});
