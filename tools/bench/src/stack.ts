import https from 'node:https';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { json, request } from './http';
import { freePort, startChild, waitUntil, type Child } from './processes';

/** The workspace root (this file is tools/bench/src/stack.ts). */
export const WORKSPACE = resolve(__dirname, '../../..');

const API_SCOPE = `api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`;
export const ARM_SCOPE = 'https://management.azure.com/user_impersonation';

/** Ids of the generated bench users: `0b0e0000-0000-4000-8002-{12 hex digits}`. */
export function benchUserId(i: number): string {
  return `0b0e0000-0000-4000-8002-${i.toString(16).padStart(12, '0')}`;
}

/** The default seed, the web app redirected to `webPort`, plus `extraUsers` generated users. */
export function benchSeed(webPort: number, extraUsers: number): unknown {
  const seed = JSON.parse(
    readFileSync(join(WORKSPACE, 'apps/entra-emulator/seed/default.json'), 'utf8'),
  ) as {
    apps: { clientId: string; redirectUris?: string[]; postLogoutRedirectUris?: string[] }[];
    users: unknown[];
  };
  const web = seed.apps.find((a) => a.clientId === EMULATOR_DEFAULTS.web.clientId);
  if (!web) throw new Error('the default seed has no web app');
  web.redirectUris = [`http://localhost:${webPort}/auth/redirect`];
  web.postLogoutRedirectUris = [`http://localhost:${webPort}/`];
  for (let i = 0; i < extraUsers; i++) {
    seed.users.push({
      id: benchUserId(i),
      userPrincipalName: `bench${i}@${EMULATOR_DEFAULTS.tenantDomain}`,
      displayName: `Bench User ${i}`,
      givenName: 'Bench',
      surname: `User ${i}`,
      password: EMULATOR_DEFAULTS.devPassword,
      subscriptions: [],
    });
  }
  return seed;
}

const APPS = { emulator: 'entra-emulator', api: 'api', web: 'web' } as const;
const BUNDLES = join(WORKSPACE, 'test-artifacts/bench/bundles');

/**
 * Copies the apps' built bundles aside (under the workspace, so node_modules still resolve):
 * a rebuild by someone else mid-run deletes dist/ and would kill the bench.
 */
export async function snapshotBundles(): Promise<void> {
  for (const app of Object.values(APPS)) {
    const dist = join(WORKSPACE, 'apps', app, 'dist');
    for (let i = 0; i < 120 && !existsSync(join(dist, 'main.js')); i++) await sleep(1000);
    rmSync(join(BUNDLES, app), { recursive: true, force: true });
    cpSync(dist, join(BUNDLES, app), { recursive: true });
    if (!existsSync(join(BUNDLES, app, 'main.js')))
      throw new Error(`no bundle for ${app}: build it`);
  }
}

function bundle(app: keyof typeof APPS): string {
  return join(BUNDLES, APPS[app], 'main.js');
}

export interface Emulator {
  child: Child;
  url: string;
  armUrl: string;
  caPath: string;
  ca: string;
  /** Keep-alive agent trusting the emulator's CA, for the bench's own calls. */
  agent: https.Agent;
  counters(): Promise<Counters>;
  /** An access token for the API (v2, `access_as_user`) for the user `oid`. */
  userToken(oid: string, upn: string): Promise<string>;
  /** What the API gets: an ARM token obtained On-Behalf-Of the user token. */
  armTokenFor(userToken: string): Promise<string>;
  /** The form body of an OBO request at the token endpoint (for hammering it). */
  oboForm(userToken: string): string;
  tokenUrl: string;
}

export interface Counters {
  token: Record<string, number> & { total: number; on_behalf_of: number };
  jwks: number;
  arm: { total: number };
}

export const ALICE = {
  oid: '0b0e0000-0000-4000-8000-000000001001',
  upn: 'alice@obodev.onmicrosoft.com',
};
export const BOB = {
  oid: '0b0e0000-0000-4000-8000-000000001002',
  upn: 'bob@obodev.onmicrosoft.com',
};

const tmpDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed when the bench exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** The emulator's bundle as a child process (its own core time, not the load generator's). */
export async function startEmulatorChild(webPort: number, extraUsers: number): Promise<Emulator> {
  const dir = tempDir('obo-bench-emu-');
  const seedPath = join(dir, 'seed.json');
  writeFileSync(seedPath, JSON.stringify(benchSeed(webPort, extraUsers)));
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const child = startChild('entra-emulator', [bundle('emulator')], {
    PORT: String(port),
    EMULATOR_SEED: seedPath,
    EMULATOR_DATA_DIR: dir,
    LOG_LEVEL: 'warn',
  });
  const caPath = join(dir, 'ca.pem');
  let agent: https.Agent | undefined;
  await waitUntil(
    child,
    async () => {
      agent ??= new https.Agent({ keepAlive: true, ca: readFileSync(caPath, 'utf8') });
      return (await request(`${url}/healthz`, { agent })).status === 200;
    },
    60_000,
  );
  const ca = readFileSync(caPath, 'utf8');
  const a = agent ?? new https.Agent({ keepAlive: true, ca });
  const tokenUrl = `${url}/${EMULATOR_DEFAULTS.tenantId}/oauth2/v2.0/token`;
  const oboForm = (assertion: string) =>
    new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      assertion,
      scope: ARM_SCOPE,
      client_id: EMULATOR_DEFAULTS.api.clientId,
      client_secret: EMULATOR_DEFAULTS.api.clientSecret,
    }).toString();
  return {
    child,
    url,
    armUrl: `${url}/arm`,
    caPath,
    ca,
    agent: a,
    tokenUrl,
    oboForm,
    counters: () => json<Counters>(`${url}/_emulator/counters`, { agent: a }),
    userToken: async (oid, upn) => {
      const reply = await json<{ access_token: string }>(`${url}/_emulator/tokens`, {
        method: 'POST',
        agent: a,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          claims: {
            aud: EMULATOR_DEFAULTS.api.clientId,
            scp: API_SCOPE.split('/').pop(),
            oid,
            sub: `bench-${oid}`,
            azp: EMULATOR_DEFAULTS.web.clientId,
            azpacr: '1',
            name: upn.split('@')[0],
            preferred_username: upn,
            amr: ['pwd'],
          },
        }),
      });
      return reply.access_token;
    },
    armTokenFor: async (assertion) => {
      const reply = await json<{ access_token: string }>(tokenUrl, {
        method: 'POST',
        agent: a,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: oboForm(assertion),
      });
      return reply.access_token;
    },
  };
}

export interface Server {
  child: Child;
  url: string;
}

const MiB = 1024 * 1024;

/** Bounds of the API's in-memory OBO cache (L1), as `OBO_CACHE_MAX_ENTRIES` / `_BYTES` set them. */
export interface OboCacheBounds {
  maxEntries: number;
  maxBytes: number;
}

/** What the bench starts the API with (the API's defaults, passed explicitly). */
export const API_OBO_CACHE: OboCacheBounds = { maxEntries: 10_000, maxBytes: 64 * MiB };

export interface ApiServer extends Server {
  /** The L1 bounds this API process was started with. */
  cache: OboCacheBounds;
}

export interface ChildOptions {
  /** Node options before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/** The path of the API's bundle snapshot (its source map sits next to it). */
export function apiBundle(): string {
  return bundle('api');
}

/** The API's esbuild bundle as a child process, pointed at the emulator. */
export async function startApiChild(
  emu: Emulator,
  { nodeArgs = [], env = {} }: ChildOptions = {},
  cache: OboCacheBounds = API_OBO_CACHE,
): Promise<ApiServer> {
  const port = await freePort();
  const child = startChild('api', [...nodeArgs, bundle('api')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    AZURE_AUTHORITY_HOST: emu.url,
    EXTRA_CA_CERTS: emu.caPath,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    OBO_CACHE_MAX_ENTRIES: String(cache.maxEntries),
    OBO_CACHE_MAX_BYTES: String(cache.maxBytes),
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, async () => (await request(`${url}/readyz`)).status === 200, 60_000);
  return { child, url, cache };
}

/** The web app's bundle as a child process (sign-in benchmark). */
export async function startWebChild(emu: Emulator, port: number, apiUrl: string): Promise<Server> {
  const child = startChild('web', [bundle('web')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    AZURE_AUTHORITY_HOST: emu.url,
    EXTRA_CA_CERTS: emu.caPath,
    API_BASE_URL: apiUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, async () => (await request(`${url}/readyz`)).status === 200, 60_000);
  return { child, url };
}

/**
 * The bare proxies of the warm path (see proxy-server.ts): Express calling ARM through
 * `node:https` (the gate), `node:http` through `node:https` (the floor), Express through axios
 * configured like the API's ArmClient (a diagnostic).
 */
export type ProxyKind = 'express-https' | 'http' | 'express-axios';

/** A bare proxy as a child process; see proxy-server.ts. */
export async function startProxyChild(
  kind: ProxyKind,
  emu: Emulator,
  tokenMap: Record<string, string>,
  { nodeArgs = [] }: ChildOptions = {},
): Promise<Server> {
  const port = await freePort();
  const mapPath = join(tempDir('obo-bench-proxy-'), 'tokens.json');
  writeFileSync(mapPath, JSON.stringify(tokenMap));
  const child = startChild(
    `${kind} proxy`,
    [...nodeArgs, '-r', '@swc-node/register', join(__dirname, 'proxy-server.ts')],
    {
      PROXY_KIND: kind,
      PORT: String(port),
      ARM_ENDPOINT: emu.armUrl,
      EXTRA_CA_CERTS: emu.caPath,
      TOKEN_MAP: mapPath,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, async () => (await request(`${url}/healthz`)).status === 200, 60_000);
  return { child, url };
}
