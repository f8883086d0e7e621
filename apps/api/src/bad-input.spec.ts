import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadApiConfig } from '@obo/config';
import type { TokenValidator } from '@obo/token-validation';
import pino from 'pino';
import request from 'supertest';
import { createApp, createServer } from './app';
import { writeThrowawayCa } from '@obo/testing';

/** Requests that never reach a token check: the API must answer each precisely and go on serving. */
describe('bad input', () => {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
  const config = loadApiConfig({
    env: { EXTRA_CA_CERTS: writeThrowawayCa(), LOG_LEVEL: 'info' },
    envFile: false,
  });
  const api = createApp(config, { logger: pino({ level: 'info' }, sink) });
  const server = createServer(api.app, config.requestTimeoutMs);
  let base: string;

  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    api.close();
    server.close();
    server.closeAllConnections();
  });

  const expectJsonError = (res: request.Response, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ error, correlationId: expect.any(String) });
  };

  it('answers a missing Authorization header with 401 and a bare Bearer challenge', async () => {
    const res = await request(base).get('/api/subscriptions');
    expectJsonError(res, 401, 'unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.body.correlationId).toEqual(res.headers['x-correlation-id']);
  });

  it.each([
    ['garbage', 'invalid_token', 'Bearer not-a-jwt', /^Bearer realm="api", error="invalid_token"/],
    [
      'three dots of nothing',
      'invalid_token',
      'Bearer ..',
      /^Bearer realm="api", error="invalid_token"/,
    ],
    [
      'alg none',
      'invalid_token',
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
      /^Bearer realm="api", error="invalid_token"/,
    ],
    // Another scheme is no bearer token at all: a bare challenge (RFC 6750 §3.1).
    ['basic scheme', 'unauthorized', 'Basic dXNlcjpwYXNz', /^Bearer realm="api"$/],
  ])(
    'rejects a %s token with 401 %s, never echoing it',
    async (_name, error, header, challenge) => {
      const res = await request(base).get('/api/subscriptions').set('authorization', header);
      expectJsonError(res, 401, error);
      expect(res.headers['www-authenticate']).toMatch(challenge);
      expect(JSON.stringify(res.body)).not.toContain(header.split(' ')[1] || '__none__');
    },
  );

  it.each([
    ['two Authorization headers', { authorization: ['Bearer not-a-jwt', 'Bearer other'] }, ''],
    ['a header token and ?access_token=', { authorization: 'Bearer not-a-jwt' }, '?access_token=x'],
    [
      'a header token and a percent-encoded ?access%5Ftoken=',
      { authorization: 'Bearer not-a-jwt' },
      '?access%5Ftoken=x',
    ],
    [
      'a header token and a malformed query naming access_token',
      { authorization: 'Bearer not-a-jwt' },
      '?%ZZ=1&access_token=%E0%A4%A&x=%',
    ],
  ])(
    'answers %s with 400 invalid_request before reading the token',
    async (_name, headers, query) => {
      for (const path of ['/api/subscriptions', '/api/me']) {
        const res = await request(base)
          .get(`${path}${query}`)
          .set(headers as Record<string, string>);
        expectJsonError(res, 400, 'invalid_request');
        expect(res.headers['www-authenticate']).toMatch(
          /^Bearer realm="api", error="invalid_request"/,
        );
        expect(JSON.stringify(res.body)).not.toContain('not-a-jwt');
      }
    },
  );

  it('answers a token only in the query as no token (401), never a 5xx', async () => {
    const res = await request(base).get('/api/subscriptions?access_token=not-a-jwt');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('rejects an oversized token with 401 before any cryptography', async () => {
    const res = await request(base)
      .get('/api/subscriptions')
      .set('authorization', `Bearer ${'a'.repeat(12_000)}.b.c`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('answers headers beyond Node’s limit with a JSON 431', async () => {
    const res = await rawRequest(base, { authorization: `Bearer ${'a'.repeat(20_000)}` });
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'request_header_fields_too_large' });
  });

  it('answers wrong methods with 405 and Allow', async () => {
    const res = await request(base).post('/api/subscriptions').send({});
    expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers unknown routes with a JSON 404', async () => {
    expectJsonError(await request(base).get('/api/nope'), 404, 'not_found');
  });

  it('answers huge bodies with 413 without reading them', async () => {
    const res = await request(base)
      .post('/api/subscriptions')
      .set('content-type', 'application/json')
      .send('x'.repeat(100_000));
    expectJsonError(res, 413, 'payload_too_large');
  });

  it('keeps a safe caller correlation id and replaces an unsafe one', async () => {
    const kept = await request(base).get('/api/nope').set('x-correlation-id', 'abc-123');
    expect(kept.body.correlationId).toBe('abc-123');
    const replaced = await request(base)
      .get('/api/nope')
      .set('x-correlation-id', 'bad id <script>');
    expect(replaced.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('labels metrics by route: unknown paths share one label, however many there are', async () => {
    for (const path of ['/x1', '/x2', '/api/nope/x3']) {
      await request(base)
        .post(path)
        .set('content-type', 'application/json')
        .send('x'.repeat(20_000));
    }
    const metrics = (await request(base).get('/metrics')).text;
    expect(metrics).toMatch(
      /http_requests_total\{route="unmatched",method="POST",status="413"\} \d+/,
    );
    expect(metrics).not.toMatch(/route="\/x1"|route="\/x2"|x3/);
  });

  it('serves health, metrics and the OpenAPI document after all of that', async () => {
    expect((await request(base).get('/healthz')).body).toEqual({ status: 'ok' });
    await request(base).get('/api/subscriptions').expect(401);
    const metrics = await request(base).get('/metrics');
    expect(metrics.text).toMatch(
      /http_requests_total\{route="\/api\/subscriptions",method="GET",status="401"\}/,
    );
    const openapi = await request(base).get('/api/openapi.json');
    expect(openapi.body.paths['/api/subscriptions'].get.summary).toMatch(/access_as_user/);
  });

  it('sends the JSON API security headers and no HTML-only ones', async () => {
    const res = await request(base).get('/api/subscriptions');
    expect(res.headers).toMatchObject({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    for (const html of [
      'cross-origin-embedder-policy',
      'x-dns-prefetch-control',
      'x-xss-protection',
    ])
      expect(res.headers[html]).toBeUndefined();
  });

  it('logs one line per request: method, path without query, status, time, correlation id', async () => {
    const before = logs.length;
    await request(base)
      .get('/api/me?secret=should-not-appear')
      .set('x-correlation-id', 'log-line-test-1')
      .expect(401);
    const line = logs
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/api/me' },
      res: { statusCode: 401 },
      correlationId: 'log-line-test-1',
      responseTime: expect.any(Number),
    });
    expect(JSON.stringify(line)).not.toContain('should-not-appear');
  });

  it('answers a request that takes too long with 503 request_timeout and Retry-After', async () => {
    const slowConfig = loadApiConfig({
      env: { EXTRA_CA_CERTS: writeThrowawayCa(), REQUEST_TIMEOUT_MS: '50' },
      envFile: false,
    });
    // Signing keys that never arrive: the request waits in authentication until the timeout.
    const hanging: TokenValidator = {
      validate: () => new Promise<never>(() => undefined),
      warmUp: async () => false,
      ready: async () => false,
      stats: () => ({ jwksFetches: 0, cachedKeys: 0, verifiedTokens: 0, verifiedTokenHits: 0 }),
    };
    const slow = createApp(slowConfig, { logger: pino({ level: 'silent' }), validator: hanging });
    try {
      const res = await request(slow.app)
        .get('/api/me')
        .set('authorization', 'Bearer a.b.c')
        .set('x-correlation-id', 'slow-1');
      expectJsonError(res, 503, 'request_timeout');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.correlationId).toBe('slow-1');
    } finally {
      slow.close();
    }
  });

  it('never logs a token', () => {
    const all = logs.join('');
    expect(all).not.toContain('not-a-jwt');
    expect(all).not.toContain('dXNlcjpwYXNz');
    expect(all).toContain('"correlationId"');
  });
});

function rawRequest(
  base: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/subscriptions`, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
