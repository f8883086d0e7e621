/**
 * The baselines of the warm-path benchmark, run as a child process by stack.ts:
 * `PROXY_KIND=express-https|http|express-axios`. Each forwards `GET /api/subscriptions` to the
 * ARM emulator with a pre-obtained ARM token (looked up by the caller's Authorization header,
 * no validation, no OBO), follows `nextLink` like the API does, and answers
 * `{value: [...all pages]}`. Same keep-alive https agent settings as the API's ArmClient.
 *
 * - `express-https`: Express calling ARM through `node:https` — the gate (DESIGN.md §5: the API's
 *   throughput ≥ 70 % of it).
 * - `http`: plain `node:http` calling ARM through `node:https` — the framework-free floor (the
 *   API's CPU per request ≤ 2× its own).
 * - `express-axios`: Express calling ARM through axios configured as the API's ArmClient is — a
 *   diagnostic (what axios costs next to `express-https`), no target.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import axios from 'axios';
import express from 'express';
import { httpsAgent } from '@obo/http';

const kind = process.env['PROXY_KIND'] ?? 'http';
const port = Number(process.env['PORT'] ?? 0);
const endpoint = (process.env['ARM_ENDPOINT'] ?? '').replace(/\/+$/, '');
const ca = readFileSync(process.env['EXTRA_CA_CERTS'] ?? '', 'utf8');
const tokens = new Map(
  Object.entries(JSON.parse(readFileSync(process.env['TOKEN_MAP'] ?? '', 'utf8')) as object),
) as Map<string, string>;
const agent = httpsAgent({ extraCa: ca, maxSockets: 256 });

function getJson(url: string, armToken: string): Promise<{ value?: unknown[]; nextLink?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      { agent, headers: { authorization: `Bearer ${armToken}`, accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`ARM answered ${res.statusCode}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** axios with the options of the API's ArmClient (apps/api/src/arm/arm-client.ts). */
const armAxios = axios.create({
  timeout: 10_000,
  maxContentLength: 10 * 1024 * 1024,
  maxRedirects: 0,
  validateStatus: () => true,
  httpsAgent: agent,
  headers: { accept: 'application/json' },
});

async function getJsonWithAxios(
  url: string,
  armToken: string,
): Promise<{ value?: unknown[]; nextLink?: string }> {
  const response = await armAxios.get(url, { headers: { authorization: `Bearer ${armToken}` } });
  if (response.status !== 200) throw new Error(`ARM answered ${response.status}`);
  return response.data as { value?: unknown[]; nextLink?: string };
}

async function listSubscriptions(
  armToken: string,
  getPage: typeof getJson = getJson,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let url: string | undefined = `${endpoint}/subscriptions?api-version=2022-12-01`;
  while (url) {
    const page = await getPage(url, armToken);
    items.push(...(page.value ?? []));
    url = page.nextLink || undefined;
  }
  return items;
}

function armTokenOf(authorization: string | undefined): string | undefined {
  return authorization ? tokens.get(authorization.replace(/^bearer\s+/i, '')) : undefined;
}

function expressServer(getPage: typeof getJson): http.Server {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/subscriptions', async (req, res) => {
    const armToken = armTokenOf(req.headers.authorization);
    if (!armToken) {
      res.status(401).json({ error: 'unknown_token' });
      return;
    }
    try {
      res.json({ value: await listSubscriptions(armToken, getPage) });
    } catch {
      res.status(502).json({ error: 'arm_error' });
    }
  });
  return http.createServer(app);
}

function plainServer(): http.Server {
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (req.method !== 'GET' || path !== '/api/subscriptions') return send(res, 404, {});
    const armToken = armTokenOf(req.headers.authorization);
    if (!armToken) return send(res, 401, { error: 'unknown_token' });
    listSubscriptions(armToken).then(
      (value) => send(res, 200, { value }),
      () => send(res, 502, { error: 'arm_error' }),
    );
  });
}

const servers: Record<string, () => http.Server> = {
  'express-https': () => expressServer(getJson),
  'express-axios': () => expressServer(getJsonWithAxios),
  http: plainServer,
};
const make = servers[kind];
if (!make) throw new Error(`PROXY_KIND must be one of ${Object.keys(servers).join(', ')}`);
const server = make();
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
