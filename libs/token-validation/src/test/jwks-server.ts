import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestKey } from './tokens';

const fixtures = join(__dirname, 'fixtures');
/** A test-only CA (its key was discarded) and a server certificate for localhost/127.0.0.1. */
export const TEST_CA_PEM = readFileSync(join(fixtures, 'ca.pem'), 'utf8');
const SERVER_CERT = readFileSync(join(fixtures, 'server.pem'), 'utf8');
const SERVER_KEY = readFileSync(join(fixtures, 'server.key'), 'utf8');

export interface JwksServer {
  /** Base URL, e.g. `https://127.0.0.1:1234`. */
  origin: string;
  jwksUri: string;
  /** JWKS requests served so far (any outcome). */
  requests: number;
  keys: TestKey[];
  /** When set, the JWKS answers with this status instead of the keys. */
  failWith?: number;
  /** Extra routes (path → JSON body), e.g. an openid-configuration. */
  documents: Map<string, unknown>;
  close(): Promise<void>;
}

/** A real JWKS server on 127.0.0.1, port 0, HTTP or HTTPS (certificate from the test CA). */
export async function startJwksServer(
  keys: TestKey[],
  opts: { https?: boolean } = {},
): Promise<JwksServer> {
  const state = { requests: 0, keys, documents: new Map<string, unknown>() } as JwksServer;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.documents.has(path)) return send(200, state.documents.get(path));
    if (path.endsWith('/keys') || path.endsWith('/jwks')) {
      state.requests += 1;
      if (state.failWith) return send(state.failWith, { error: 'unavailable' });
      return send(200, { keys: state.keys.map((k) => k.jwk) });
    }
    return send(404, { error: 'not_found' });
  };
  const server: Server = opts.https
    ? createHttpsServer({ cert: SERVER_CERT, key: SERVER_KEY }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.jwksUri = `${state.origin}/discovery/v2.0/keys`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
