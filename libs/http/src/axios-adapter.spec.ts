import axios, { AxiosError } from 'axios';
import { closeTestServers, sendJson, startTestServer } from '@obo/testing';
import { createNodeAdapter, nodeAdapter } from './axios-adapter';

afterEach(closeTestServers);

describe('nodeAdapter', () => {
  it('joins baseURL and url, sends merged headers and JSON data, parses JSON', async () => {
    let body = '';
    const server = await startTestServer((req, res) => {
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => sendJson(res, 200, { echoed: true }));
    });
    const client = axios.create({
      adapter: nodeAdapter,
      baseURL: `${server.url}/base/`,
      headers: { 'x-default': 'd' },
    });
    const response = await client.post('/items', { a: 1 }, { headers: { 'x-call': 'c' } });
    expect(response).toMatchObject({ status: 200, data: { echoed: true } });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/base/items',
      headers: expect.objectContaining({
        'x-default': 'd',
        'x-call': 'c',
        'content-type': 'application/json',
      }),
    });
    expect(JSON.parse(body)).toEqual({ a: 1 });
  });

  it('rejects a status validateStatus refuses with the response attached', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 404, { error: 'nope' }));
    const error = await axios
      .get(`${server.url}/x`, { adapter: nodeAdapter })
      .catch((e: AxiosError) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect((error as AxiosError).response?.data).toEqual({ error: 'nope' });
  });

  it('never follows a redirect', async () => {
    const server = await startTestServer((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const response = await axios.get(`${server.url}/x`, {
      adapter: nodeAdapter,
      validateStatus: null,
    });
    expect(response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('maps the deadline to axios’s timeout codes', async () => {
    const server = await startTestServer(() => undefined);
    const plain = await axios
      .get(server.url, { adapter: nodeAdapter, timeout: 50 })
      .catch((e: AxiosError) => e);
    expect((plain as AxiosError).code).toBe(AxiosError.ECONNABORTED);
    const clarified = await axios
      .get(server.url, {
        adapter: nodeAdapter,
        timeout: 50,
        transitional: { clarifyTimeoutError: true },
      })
      .catch((e: AxiosError) => e);
    expect((clarified as AxiosError).code).toBe(AxiosError.ETIMEDOUT);
  });

  it('maps maxContentLength to ERR_BAD_RESPONSE and socket errors to their code', async () => {
    const big = await startTestServer((_req, res) => res.end('x'.repeat(100)));
    const tooLarge = await axios
      .get(big.url, { adapter: nodeAdapter, maxContentLength: 10 })
      .catch((e: AxiosError) => e);
    expect((tooLarge as AxiosError).code).toBe(AxiosError.ERR_BAD_RESPONSE);
    const reset = await startTestServer((req) => req.socket.destroy());
    const hungUp = await axios.get(reset.url, { adapter: nodeAdapter }).catch((e: AxiosError) => e);
    expect((hungUp as AxiosError).code).toBe('ECONNRESET');
  });

  it('returns bytes for responseType arraybuffer, text otherwise', async () => {
    const server = await startTestServer((_req, res) => res.end('not json'));
    const bytes = await axios.get(server.url, {
      adapter: nodeAdapter,
      responseType: 'arraybuffer',
    });
    expect(Buffer.isBuffer(bytes.data)).toBe(true);
    expect((await axios.get(server.url, { adapter: nodeAdapter })).data).toBe('not json');
  });

  it('refuses params rather than dropping them', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, {}));
    const error = await axios
      .get(server.url, { adapter: nodeAdapter, params: { a: 1 } })
      .catch((e: AxiosError) => e);
    expect((error as AxiosError).code).toBe(AxiosError.ERR_NOT_SUPPORT);
    expect(server.requests).toHaveLength(0);
  });

  it('responseHeaders: hands axios only the named response headers (any case), all by default', async () => {
    const server = await startTestServer((_req, res) => {
      res.setHeader('x-ms-request-id', 'r1');
      res.setHeader('retry-after', '3');
      sendJson(res, 200, {});
    });
    const picky = await axios.get(server.url, {
      adapter: createNodeAdapter({ responseHeaders: ['Retry-After', 'content-type'] }),
    });
    expect(Object.keys({ ...picky.headers }).sort()).toEqual(['content-type', 'retry-after']);
    const all = await axios.get(server.url, { adapter: nodeAdapter });
    expect(all.headers['x-ms-request-id']).toBe('r1');
  });
});
