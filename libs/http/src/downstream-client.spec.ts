import {
  closedPortUrl,
  closeTestServers,
  closeWithServers,
  rejectionOf,
  sendJson,
  startTestServer,
} from '@obo/testing';
import { createDownstreamClient, type DownstreamClientOptions } from './downstream-client';
import { DownstreamError } from './errors';

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';

/** A client whose waits are recorded instead of slept. */
function clientFor(url: string, options: Partial<DownstreamClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = createDownstreamClient({
    baseUrl: url,
    name: 'Test service',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client: closeWithServers(client), sleeps };
}

async function failure(promise: Promise<unknown>): Promise<DownstreamError> {
  const error = await rejectionOf<DownstreamError>(promise);
  expect(error).toBeInstanceOf(DownstreamError);
  return error;
}

afterEach(closeTestServers);

describe('DownstreamClient.get', () => {
  it('keeps the response headers it reads, plus the ones asked for', async () => {
    const server = await startTestServer((_req, res) => {
      res.setHeader('x-ms-request-id', 'r1');
      res.setHeader('x-other', 'o');
      sendJson(res, 200, { ok: true });
    });
    const plain = await clientFor(server.url).client.get('/');
    expect(Object.keys(plain.headers)).toEqual(['content-type']);
    const more = await clientFor(server.url, { responseHeaders: ['x-ms-request-id'] }).client.get(
      '/',
    );
    expect({ ...more.headers }).toEqual({
      'content-type': expect.any(String),
      'x-ms-request-id': 'r1',
    });
  });

  it('sends the static headers, the token and the correlation id, and returns the JSON body', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
    const { client } = clientFor(server.url, {
      headers: { 'x-static': 'yes' },
      correlationHeader: 'x-ms-correlation-request-id',
    });
    const response = await client.get('/things?api-version=1', {
      accessToken: 'tkn',
      correlationId: 'corr-1',
    });
    expect(response).toMatchObject({ status: 200, data: { ok: true } });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: '/things?api-version=1',
        headers: expect.objectContaining({
          accept: 'application/json',
          authorization: 'Bearer tkn',
          'x-ms-correlation-request-id': 'corr-1',
          'x-static': 'yes',
          connection: 'keep-alive',
        }),
      }),
    ]);
  });

  it('keeps the connection: two calls, one socket', async () => {
    const ports = new Set<number>();
    const server = await startTestServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      sendJson(res, 200, {});
    });
    const { client } = clientFor(server.url);
    await client.get('/a');
    await client.get('/b');
    expect(server.requests).toHaveLength(2);
    expect(ports.size).toBe(1);
  });

  it('refuses an absolute URL on another origin before sending anything', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, {}));
    const other = await startTestServer((_req, res) => sendJson(res, 200, {}));
    const { client } = clientFor(server.url);
    const error = await failure(client.get(`${other.url}/x`, { accessToken: 'tkn' }));
    expect(error.code).toBe('downstream_bad_response');
    expect(other.requests).toHaveLength(0);
  });

  describe('retries', () => {
    it('retries a 5xx with full-jitter backoff and succeeds', async () => {
      const server = await startTestServer((_req, res, i) =>
        i < 2 ? sendJson(res, 503, {}) : sendJson(res, 200, { ok: 1 }),
      );
      const { client, sleeps } = clientFor(server.url, { backoffMs: 100 });
      expect((await client.get('/x')).data).toEqual({ ok: 1 });
      expect(server.requests).toHaveLength(3);
      // random() = 0.5 of [0, 100·2^attempt)
      expect(sleeps).toEqual([50, 100]);
    });

    it('gives up after maxRetries with the status and the downstream’s error code', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 500, { error: { code: 'InternalServerError', message: 'x' } }),
      );
      const { client, sleeps } = clientFor(server.url, { maxRetries: 3 });
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({
        code: 'downstream_error',
        status: 502,
        expose: false,
        downstreamStatus: 500,
        downstreamCode: 'InternalServerError',
      });
      expect(server.requests).toHaveLength(4);
      expect(sleeps).toHaveLength(3);
    });

    it('does not retry a 4xx, and reads an OAuth-style error code', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 404, { error: 'not_found' }),
      );
      const { client, sleeps } = clientFor(server.url);
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({
        code: 'downstream_error',
        downstreamStatus: 404,
        downstreamCode: 'not_found',
      });
      expect(error.response).toMatchObject({ status: 404, data: { error: 'not_found' } });
      expect(Object.keys(error)).not.toContain('response');
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('retries a reset socket at once, without backoff, even with no retries left', async () => {
      const server = await startTestServer((req, res, i) =>
        i === 0 ? req.socket.destroy() : sendJson(res, 200, { ok: 1 }),
      );
      const { client, sleeps } = clientFor(server.url, { maxRetries: 0 });
      expect((await client.get('/x')).data).toEqual({ ok: 1 });
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toEqual([]);
    });

    it('retries a reset socket only once', async () => {
      const server = await startTestServer((req) => req.socket.destroy());
      const { client } = clientFor(server.url, { maxRetries: 0 });
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({ code: 'downstream_unavailable', status: 502 });
      expect(server.requests).toHaveLength(2);
    });

    it('answers downstream_timeout when no attempt answers in time', async () => {
      const server = await startTestServer(() => undefined);
      const { client, sleeps } = clientFor(server.url, { timeoutMs: 100, maxRetries: 1 });
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({ code: 'downstream_timeout', status: 504 });
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
    });

    it('times out a body that trickles past the deadline', async () => {
      const server = await startTestServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"value":');
      });
      const { client } = clientFor(server.url, { timeoutMs: 150, maxRetries: 0 });
      expect((await failure(client.get('/x'))).code).toBe('downstream_timeout');
    });

    it('answers downstream_unavailable when nothing listens, after the retries', async () => {
      const { client, sleeps } = clientFor(await closedPortUrl(), { maxRetries: 2 });
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({ code: 'downstream_unavailable', status: 502 });
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(sleeps).toHaveLength(2);
    });

    it('does not retry a response larger than allowed', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 200, { big: 'x'.repeat(2000) }),
      );
      const { client } = clientFor(server.url, { maxResponseBytes: 1000 });
      const error = await failure(client.get('/x'));
      expect(error.code).toBe('downstream_bad_response');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('429 Retry-After', () => {
    it('waits out a short Retry-After once and succeeds', async () => {
      const server = await startTestServer((_req, res, i) =>
        i === 0 ? sendJson(res, 429, {}, { 'retry-after': '2' }) : sendJson(res, 200, { ok: 1 }),
      );
      const { client, sleeps } = clientFor(server.url);
      expect((await client.get('/x')).data).toEqual({ ok: 1 });
      expect(sleeps).toEqual([2000]);
    });

    it('does not wait twice', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '1' }),
      );
      const { client, sleeps } = clientFor(server.url);
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({
        code: 'downstream_throttled',
        status: 503,
        retryAfterSeconds: 1,
        downstreamCode: 'TooManyRequests',
        headers: { 'retry-after': '1' },
      });
      expect(sleeps).toEqual([1000]);
      expect(server.requests).toHaveLength(2);
    });

    it('passes a long Retry-After on without waiting', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 429, {}, { 'retry-after': '120' }),
      );
      const { client, sleeps } = clientFor(server.url);
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({
        code: 'downstream_throttled',
        retryAfterSeconds: 120,
        headers: { 'retry-after': '120' },
      });
      expect(sleeps).toEqual([]);
      expect(server.requests).toHaveLength(1);
    });

    it('does not wait when the 429 says nothing about how long', async () => {
      const server = await startTestServer((_req, res) => sendJson(res, 429, {}));
      const { client, sleeps } = clientFor(server.url);
      const error = await failure(client.get('/x'));
      expect(error.retryAfterSeconds).toBeUndefined();
      expect(error.headers['retry-after']).toBe('10');
      expect(sleeps).toEqual([]);
    });

    it('never waits with maxRetryAfterSeconds 0', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(res, 429, {}, { 'retry-after': '0' }),
      );
      const { client, sleeps } = clientFor(server.url, { maxRetryAfterSeconds: 0 });
      expect((await failure(client.get('/x'))).code).toBe('downstream_throttled');
      expect(sleeps).toEqual([]);
    });
  });

  describe('401 challenges', () => {
    it('turns an insufficient_claims challenge into downstream_claims_challenge with the claims', async () => {
      const encoded = Buffer.from(CLAIMS).toString('base64');
      const server = await startTestServer((_req, res) =>
        sendJson(
          res,
          401,
          { error: { code: 'InvalidAuthenticationToken' } },
          {
            'www-authenticate': `Bearer authorization_uri="https://login.example/t", error="insufficient_claims", claims="${encoded}"`,
          },
        ),
      );
      const { client, sleeps } = clientFor(server.url);
      const error = await failure(client.get('/x'));
      expect(error).toMatchObject({
        code: 'downstream_claims_challenge',
        claims: CLAIMS,
        downstreamStatus: 401,
      });
      expect(sleeps).toEqual([]);
    });

    it('leaves any other 401 a downstream_error', async () => {
      const server = await startTestServer((_req, res) =>
        sendJson(
          res,
          401,
          { error: { code: 'ExpiredAuthenticationToken' } },
          {
            'www-authenticate': 'Bearer error="invalid_token"',
          },
        ),
      );
      const { client } = clientFor(server.url);
      expect(await failure(client.get('/x'))).toMatchObject({
        code: 'downstream_error',
        downstreamStatus: 401,
        downstreamCode: 'ExpiredAuthenticationToken',
      });
    });
  });
});

describe('DownstreamClient.getAllPages', () => {
  it('follows nextLink through every page on the same origin, counting pages', async () => {
    const server = await startTestServer((req, res) => {
      const page = Number(new URL(req.url ?? '', 'http://x').searchParams.get('page') ?? 0);
      sendJson(res, 200, {
        value: [{ page }],
        ...(page < 2 && { nextLink: `${server.url}/items?page=${page + 1}` }),
      });
    });
    const { client } = clientFor(server.url);
    const stats = { pages: 0 };
    const items = await client.getAllPages('/items', { accessToken: 'tkn', stats });
    expect(items).toEqual([{ page: 0 }, { page: 1 }, { page: 2 }]);
    expect(stats.pages).toBe(3);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer tkn',
      'Bearer tkn',
      'Bearer tkn',
    ]);
  });

  it('refuses a nextLink to another origin: the token is never sent there', async () => {
    const other = await startTestServer((_req, res) => sendJson(res, 200, { value: [] }));
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { value: [1], nextLink: `${other.url}/items?page=1` }),
    );
    const { client } = clientFor(server.url);
    const error = await failure(client.getAllPages('/items', { accessToken: 'tkn' }));
    expect(error.code).toBe('downstream_bad_response');
    expect(other.requests).toHaveLength(0);
  });

  it('refuses a nextLink that is not a URL', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { value: [], nextLink: '::' }),
    );
    const { client } = clientFor(server.url);
    expect((await failure(client.getAllPages('/items'))).code).toBe('downstream_bad_response');
  });

  it('stops after maxPages', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { value: [1], nextLink: `${server.url}/items` }),
    );
    const { client } = clientFor(server.url, { maxPages: 3 });
    const stats = { pages: 0 };
    const error = await failure(client.getAllPages('/items', { stats }));
    expect(error).toMatchObject({ code: 'downstream_too_many_pages', status: 502 });
    expect(server.requests).toHaveLength(3);
    expect(stats.pages).toBe(3);
  });

  it.each([
    [
      'a body without value',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { items: [] }),
    ],
    [
      'a value that is not a list',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { value: {} }),
    ],
    ['a body that is not JSON', (res: Parameters<typeof sendJson>[0]) => res.end('<html>')],
    ['an empty body', (res: Parameters<typeof sendJson>[0]) => res.end()],
  ])('answers downstream_bad_response for %s', async (_name, answer) => {
    const server = await startTestServer((_req, res) => answer(res));
    const { client } = clientFor(server.url);
    expect((await failure(client.getAllPages('/items'))).code).toBe('downstream_bad_response');
  });
});

describe('a proxy named by the environment', () => {
  const saved = process.env['HTTP_PROXY'];
  afterEach(() => {
    if (saved === undefined) delete process.env['HTTP_PROXY'];
    else process.env['HTTP_PROXY'] = saved;
  });

  it('is honoured (axios’s own http adapter), and ignored without one', async () => {
    const proxy = await startTestServer((req, res) => sendJson(res, 200, { proxied: req.url }));
    const target = await closedPortUrl();
    process.env['HTTP_PROXY'] = proxy.url;
    const { client } = clientFor(target, { maxRetries: 0 });
    expect((await client.get('/x')).data).toEqual({ proxied: `${target}/x` });

    delete process.env['HTTP_PROXY'];
    const direct = clientFor(target, { maxRetries: 0 }).client;
    expect((await failure(direct.get('/x'))).code).toBe('downstream_unavailable');
  });
});

describe('createDownstreamClient options', () => {
  it.each([
    [{ baseUrl: 'ftp://example.com' }],
    [{ baseUrl: 'not a url' }],
    [{ baseUrl: 'https://example.com', maxRetries: -1 }],
    [{ baseUrl: 'https://example.com', timeoutMs: 1.5 }],
    [{ baseUrl: 'https://example.com', maxPages: Number.NaN }],
  ])('refuses %p at construction', (options) => {
    expect(() => createDownstreamClient(options)).toThrow(TypeError);
  });
});
