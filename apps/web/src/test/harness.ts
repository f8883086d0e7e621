import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, loadWebConfig, type WebConfig } from '@obo/config';
import { EmulatorBrowser, startEmulator, type RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';

export const PASSWORD = EMULATOR_DEFAULTS.devPassword;
export const ALICE = 'alice@obodev.onmicrosoft.com';
export const BOB = 'bob@obodev.onmicrosoft.com';
export const CAROL = 'carol@obodev.onmicrosoft.com';
export const API_CLIENT_ID = EMULATOR_DEFAULTS.api.clientId;
export const WEB_CLIENT_ID = EMULATOR_DEFAULTS.web.clientId;
/** The redirect URI registered for the web app in the emulator's seed. */
export const REDIRECT_URI = 'http://localhost:3000/auth/redirect';

/** The emulator in-process on a free loopback port; its CA is generated once per machine. */
export function startTestEmulator(): Promise<RunningEmulator> {
  const dataDir = join(tmpdir(), 'obo-web-test-emulator');
  mkdirSync(dataDir, { recursive: true });
  return startEmulator({ port: 0, host: '127.0.0.1', dataDir, logger: false });
}

/** Web config pointing at the test emulator and (fake) API, as the brief prescribes. */
export function webConfigFor(
  emu: RunningEmulator,
  apiUrl: string,
  env: Record<string, string> = {},
): WebConfig {
  return loadWebConfig({
    env: {
      EXTRA_CA_CERTS: emu.caCertPath,
      AZURE_AUTHORITY_HOST: emu.url,
      PUBLIC_URL: 'http://localhost:3000',
      API_BASE_URL: apiUrl,
      LOG_LEVEL: 'silent',
      ...env,
    },
    envFile: false,
  });
}

/** A request the fakeApi received. */
export interface FakeApiCall {
  authorization?: string;
  correlationId?: string;
  /** Decoded payload of the bearer token. */
  claims?: Record<string, unknown>;
  token?: string;
}

type Responder = (res: http.ServerResponse) => void;

/**
 * A stand-in for apps/api's contract (`GET /api/subscriptions` → `{value: [...]}`, or the
 * error shapes the web app must handle). It records what it received; it validates nothing.
 */
export interface FakeApi {
  url: string;
  calls: FakeApiCall[];
  /** Subscriptions returned by default. */
  subscriptions: Record<string, unknown>[];
  /** The development-only `journey` field answered to `?journey=1`; null = none. */
  journey: Record<string, unknown> | null;
  /** Queues a one-off answer for the next call. */
  next(responder: Responder): void;
  close(): Promise<void>;
}

export const SUBSCRIPTIONS = [
  {
    id: '/subscriptions/11111111-1111-4111-8111-111111111111',
    subscriptionId: '11111111-1111-4111-8111-111111111111',
    displayName: 'Contoso Production <b>',
    state: 'Enabled',
    tenantId: EMULATOR_DEFAULTS.tenantId,
  },
  {
    id: '/subscriptions/22222222-2222-4222-8222-222222222222',
    subscriptionId: '22222222-2222-4222-8222-222222222222',
    displayName: 'Contoso Dev/Test',
    state: 'Warned',
    tenantId: EMULATOR_DEFAULTS.tenantId,
  },
];

/** What apps/api's `?journey=1` adds: the OBO token's decoded header and claims, timings. */
export const FAKE_JOURNEY = {
  obo: {
    source: 'network',
    ms: 12.5,
    header: { alg: 'RS256', kid: 'fake-kid', typ: 'JWT' },
    claims: {
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${EMULATOR_DEFAULTS.tenantId}/`,
      appid: EMULATOR_DEFAULTS.api.clientId,
      scp: 'user_impersonation',
      ver: '1.0',
      tid: EMULATOR_DEFAULTS.tenantId,
      // A claim that looks like a token must never be rendered as one.
      smuggled: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHgifQ.c2lnbmF0dXJlc2lnbmF0dXJl',
    },
  },
  arm: { ms: 7.25, pages: 2 },
  validateMs: 0.5,
};

export async function startFakeApi(): Promise<FakeApi> {
  const queue: Responder[] = [];
  const api: Omit<FakeApi, 'url'> & { url?: string } = {
    calls: [],
    subscriptions: SUBSCRIPTIONS,
    journey: FAKE_JOURNEY,
    next: (responder) => queue.push(responder),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method !== 'GET' || url.pathname !== '/api/subscriptions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    const authorization = req.headers.authorization;
    const token = authorization?.replace(/^Bearer /, '');
    api.calls.push({
      authorization,
      token,
      correlationId: req.headers['x-correlation-id'] as string | undefined,
      claims: token ? decodeJwt(token).payload : undefined,
    });
    const responder = queue.shift();
    if (responder) return responder(res);
    const journey = url.searchParams.get('journey') === '1' && api.journey;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ value: api.subscriptions, ...(journey ? { journey } : {}) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api as FakeApi;
}

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: json(h), payload: json(p) };
}

/** Checks a JWT's RS256 signature against the emulator's published keys. */
export async function verifiedByEmulator(emu: RunningEmulator, token: string): Promise<boolean> {
  const { header } = decodeJwt(token);
  const jwks = JSON.parse(await httpsGet(emu, `${emu.authority}/discovery/v2.0/keys`)) as {
    keys: (JsonWebKey & { kid: string })[];
  };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const [h, p, s] = token.split('.');
  return verify(
    'RSA-SHA256',
    Buffer.from(`${h}.${p}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(s, 'base64url'),
  );
}

function httpsGet(emu: RunningEmulator, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: emu.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Completes a sign-in the app started: follows the authorize URL through the emulator's pages
 * (password form, account picker, MFA, consent) over HTTPS, then calls the app's redirect path
 * with the code. Returns where the app sent the browser afterwards.
 */
export async function completeSignIn(
  agent: request.Agent,
  authorizeUrl: string,
  username: string,
): Promise<string> {
  const browser = new EmulatorBrowser(emuCaFor(authorizeUrl));
  const result = await browser.signIn(authorizeUrl, { username, password: PASSWORD });
  if (result.redirectUri !== REDIRECT_URI) {
    throw new Error(`emulator redirected to ${result.redirectUri}`);
  }
  const back = await agent.get('/auth/redirect').query(result.params);
  if (back.status !== 302)
    throw new Error(`redirect answered ${back.status}: ${back.text.slice(0, 300)}`);
  return back.headers.location as string;
}

/** `/login` → emulator → redirect path; returns where the app sent the browser afterwards. */
export async function signIn(
  agent: request.Agent,
  username: string,
  loginPath = '/login',
): Promise<string> {
  const start = await agent.get(loginPath).expect(302);
  return completeSignIn(agent, start.headers.location as string, username);
}

const caByOrigin = new Map<string, string>();

/** Registers the emulator's CA for the test browser. */
export function trustEmulator(emu: RunningEmulator): void {
  caByOrigin.set(new URL(emu.url).origin, emu.caCert);
}

function emuCaFor(url: string): string {
  const ca = caByOrigin.get(new URL(url).origin);
  if (!ca) throw new Error(`no CA registered for ${url}: call trustEmulator(emu)`);
  return ca;
}

/** The session cookie (`name=value`) from a response, if it set one. */
export function sessionCookieOf(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('obo.web.sid='))?.split(';')[0];
}

/** The CSRF token in a rendered page's sign-out form. */
export function csrfTokenOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}
