import { closeTestServers, rejectionOf, sendJson, startTestServer } from '@obo/testing';
import { send, TransportError } from './transport';

afterEach(closeTestServers);

const LIMITS = { timeoutMs: 2_000, maxResponseBytes: 1_000 };

describe('send', () => {
  it('reads a whole response: status, lower-case headers, body', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 201, { a: 1 }, { 'X-Thing': 'y' }),
    );
    const response = await send(`${server.url}/p?q=1`, LIMITS);
    expect(response.status).toBe(201);
    expect(response.headers['x-thing']).toBe('y');
    expect(JSON.parse(response.body.toString())).toEqual({ a: 1 });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/p?q=1' });
  });

  it('posts a body with its length', async () => {
    let received = '';
    const server = await startTestServer((req, res) => {
      req.on('data', (c: Buffer) => (received += c));
      req.on('end', () => res.end());
    });
    await send(server.url, { ...LIMITS, method: 'POST', body: 'a=1&b=2' });
    expect(received).toBe('a=1&b=2');
    expect(server.requests[0].headers['content-length']).toBe('7');
  });

  it('gives up after the deadline with ETIMEDOUT', async () => {
    const server = await startTestServer(() => undefined);
    const error = await rejectionOf(send(server.url, { ...LIMITS, timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ETIMEDOUT');
  });

  it('refuses a body over the limit, declared or streamed', async () => {
    const declared = await startTestServer((_req, res) => res.end('x'.repeat(1_001)));
    expect((await rejectionOf(send(declared.url, LIMITS))).code).toBe('ERR_RESPONSE_TOO_LARGE');
    const streamed = await startTestServer((_req, res) => {
      res.write('x'.repeat(600));
      setTimeout(() => res.end('x'.repeat(600)), 10);
    });
    expect((await rejectionOf(send(streamed.url, LIMITS))).code).toBe('ERR_RESPONSE_TOO_LARGE');
  });

  it('accepts a body of exactly the limit', async () => {
    const server = await startTestServer((_req, res) => res.end('x'.repeat(1_000)));
    expect((await send(server.url, LIMITS)).body).toHaveLength(1_000);
  });

  it('reports a connection closed mid-body as ECONNRESET', async () => {
    const server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 10);
    });
    expect((await rejectionOf(send(server.url, LIMITS))).code).toBe('ECONNRESET');
  });

  it('stops when the signal aborts', async () => {
    const server = await startTestServer(() => undefined);
    const controller = new AbortController();
    const pending = rejectionOf(send(server.url, { ...LIMITS, signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect((await pending).code).toBe('ABORT_ERR');
    expect(
      (await rejectionOf(send(server.url, { ...LIMITS, signal: controller.signal }))).code,
    ).toBe('ABORT_ERR');
  });
});
