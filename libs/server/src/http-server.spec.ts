import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { closeServer, createHttpServer, listen } from './index';

/** A raw exchange over one socket: what the server wrote until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function statusAndBody(answer: string): { status: number; body: Record<string, unknown> } {
  const [head, body] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as Record<string, unknown> };
}

describe('createHttpServer', () => {
  let server: http.Server;
  let port: number;
  let release: () => void = () => undefined;

  beforeEach(async () => {
    release = () => undefined;
    server = createHttpServer((req, res) => {
      if (req.url === '/slow') {
        release = () => {
          if (!res.writableEnded) res.end('done');
        };
        return;
      }
      res.end('ok');
    });
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    release();
    server.closeAllConnections();
    await closeServer(server);
  });

  it('keeps idle connections longer than clients do, and headers a second more', () => {
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.headersTimeout).toBe(66_000);
    expect(server.requestTimeout).toBe(300_000);
    const custom = createHttpServer(() => undefined, { requestTimeoutMs: 15_000 });
    expect(custom.requestTimeout).toBe(15_000);
  });

  it('answers a malformed request with a JSON 400', async () => {
    const answer = statusAndBody(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: expect.any(String) },
    });
  });

  it('answers headers beyond Node’s limit with a JSON 431', async () => {
    const answer = statusAndBody(
      await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(answer).toMatchObject({
      status: 431,
      body: { error: 'request_header_fields_too_large' },
    });
  });

  /** A client socket, the server's end of it, and what the client has received so far. */
  async function connected() {
    const client = net.connect(port, '127.0.0.1');
    const [serverSide] = (await once(server, 'connection')) as [net.Socket];
    let received = '';
    client.on('data', (chunk) => (received += chunk.toString()));
    const closed = once(client, 'close');
    /** Emits `clientError` with `code` on the server's end; resolves with what the client got. */
    const clientError = async (code: string) => {
      server.emit('clientError', Object.assign(new Error(code), { code }), serverSide);
      await closed;
      return received;
    };
    return { client, clientError };
  }

  it('answers a request that timed out with a JSON 408', async () => {
    const { clientError } = await connected();
    // What Node emits when `requestTimeout` elapses (it checks only every 30 s by default).
    const answer = await clientError('ERR_HTTP_REQUEST_TIMEOUT');
    expect(statusAndBody(answer)).toMatchObject({
      status: 408,
      body: { error: 'request_timeout' },
    });
  });

  it('writes nothing into a response that has already started', async () => {
    const { client, clientError } = await connected();
    client.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    const [, res] = (await once(server, 'request')) as [http.IncomingMessage, http.ServerResponse];
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await clientError('HPE_INVALID');
    expect(answer).toMatch(/^HTTP\/1.1 200 OK/);
    expect(answer).not.toContain('invalid_request');
  });

  it('rejects listen on a port in use with EADDRINUSE', async () => {
    const second = createHttpServer(() => undefined);
    await expect(listen(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('closeServer answers the requests in flight before it resolves', async () => {
    const pending = new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/slow`, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = closeServer(server).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    expect(await pending).toBe('done');
    await closing;
    expect(closed).toBe(true);
  });
});
