import http, { type RequestListener, type ServerResponse } from 'node:http';
import type https from 'node:https';
import type { Duplex } from 'node:stream';

export interface HttpServerOptions {
  /**
   * Longest time to receive a whole request, headers and body (Node's `server.requestTimeout`);
   * a slower one is answered 408. Default 300 000 ms (Node's default).
   */
  requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open. Default 65 000 ms: longer than the
   * idle timeout of any client or load balancer in front (Node's 5 s default closes sockets
   * that clients are about to reuse, and they see `ECONNRESET`). Headers may take 1 s more.
   */
  keepAliveTimeoutMs?: number;
}

type AnyServer = http.Server | https.Server;

/**
 * Applies the workspace's connection rules to an HTTP or HTTPS server: keep-alive longer than
 * any client's idle timeout, the request timeout, and malformed, oversized or too slow requests
 * answered with a JSON `{error, error_description}` (400, 431, 408) instead of a bare close.
 */
export function configureServer<S extends AnyServer>(
  server: S,
  options: HttpServerOptions = {},
): S {
  const keepAlive = options.keepAliveTimeoutMs ?? 65_000;
  server.keepAliveTimeout = keepAlive;
  server.headersTimeout = keepAlive + 1_000;
  server.requestTimeout = options.requestTimeoutMs ?? 300_000;
  server.on('clientError', answerClientError);
  return server;
}

/** An HTTP server for `app` with {@link configureServer}'s rules. */
export function createHttpServer(
  app: RequestListener,
  options: HttpServerOptions = {},
): http.Server {
  return configureServer(http.createServer(app), options);
}

/** Starts listening; rejects with the listen error (e.g. `EADDRINUSE`) instead of emitting it. */
export function listen(server: AnyServer, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** How often a closing server looks for keep-alive sockets that have become idle. */
const IDLE_SWEEP_MS = 100;

/**
 * Stops accepting connections, closes idle keep-alive sockets, and resolves once the requests
 * in flight are answered and their sockets closed (the caller bounds the wait; see
 * `runService`). Node closes only the sockets idle at the moment of `close()`: a socket busy
 * then stays open after its response for the whole keep-alive timeout, so idle sockets are
 * swept until the server has closed.
 */
export function closeServer(server: AnyServer): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    sweep.unref();
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

const CLIENT_ERRORS: Readonly<Record<string, [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'request_header_fields_too_large', 'Request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time.'],
};
const MALFORMED: [number, string, string] = [400, 'invalid_request', 'Malformed HTTP request.'];

/**
 * Node's default answer, in JSON: nothing when the peer is gone or a response on this socket has
 * already started (writing then would corrupt it), else the status for the parser's error.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const current = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, description] = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error: code, error_description: description });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
