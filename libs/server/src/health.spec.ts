import express from 'express';
import request from 'supertest';
import { healthRoutes, type ReadinessCheck } from './index';

function app(checks: ReadinessCheck[], checkTimeoutMs?: number) {
  return express().use(healthRoutes(checks, { checkTimeoutMs }));
}

describe('healthRoutes', () => {
  it('/healthz answers ok, never cached', async () => {
    const res = await request(app([])).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('/readyz is ready when every check passes', async () => {
    const res = await request(
      app([
        { name: 'signingKeys', check: async () => true },
        { name: 'redis', check: async () => true },
      ]),
    )
      .get('/readyz')
      .expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { signingKeys: 'ok', redis: 'ok' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['answers false', async () => false],
    ['rejects', async () => Promise.reject(new Error('down'))],
    [
      'throws',
      () => {
        throw new Error('down');
      },
    ],
    ['never answers', () => new Promise<boolean>(() => undefined)],
  ])('/readyz is 503 naming the check that %s', async (_name, check) => {
    const res = await request(
      app(
        [
          { name: 'signingKeys', check: async () => true },
          { name: 'redis', check: check as () => Promise<boolean> },
        ],
        50,
      ),
    )
      .get('/readyz')
      .expect(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { signingKeys: 'ok', redis: 'failing' },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
