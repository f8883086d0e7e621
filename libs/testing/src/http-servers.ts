import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ThrowawayTls } from './certificates';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestServer {
  /** `http(s)://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

const running = new Set<TestServer>();

/**
 * A real HTTP server on a free loopback port (https when `tls` is given, e.g. from
 * `throwawayTls()`) that records the requests it got. `closeTestServers()` in afterEach
 * stops every one still running.
 */
export async function startTestServer(handler: Handler, tls?: ThrowawayTls): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, requests.length - 1);
  };
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, listener)
    : http.createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const started: TestServer = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: async () => {
      running.delete(started);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  running.add(started);
  return started;
}

const clients = new Set<{ close(): unknown }>();

/** Registers a client (agents, sockets) that the next `closeTestServers()` closes first. */
export function closeWithServers<T extends { close(): unknown }>(client: T): T {
  clients.add(client);
  return client;
}

/** Closes the registered clients, then every test server still running. */
export async function closeTestServers(): Promise<void> {
  for (const client of clients) client.close();
  clients.clear();
  await Promise.all([...running].map((server) => server.close()));
}

/** Answers with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** A port nothing listens on (a server was there a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const server = await startTestServer(() => undefined);
  await server.close();
  return server.url;
}

/** What `promise` rejected with (its `code`, typically); a test expecting a failure fails if it resolves. */
export async function rejectionOf<E = { code?: string }>(promise: Promise<unknown>): Promise<E> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
}
