import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import {
  EmulatorBrowser,
  loadSeed,
  startEmulator,
  type RunningEmulator,
} from '@obo/entra-emulator';
import { redisAvailable, requireRedisInCi, startTestRedis, type TestRedis } from '@obo/testing';
import {
  freePort,
  get,
  startBundle,
  stopAllBundles,
  waitFor200,
  type BundleProcess,
} from './test/bundles';

/**
 * The README's "Deploying" topology, for real: two web and two API processes (the built
 * bundles) behind a client-side "load balancer", one real redis-server holding the web
 * sessions (with each user's MSAL cache) and the API's shared OBO token cache, and the
 * emulator as the identity provider and ARM.
 */
jest.setTimeout(60_000);

requireRedisInCi();
if (!redisAvailable()) {
  console.warn('SKIPPED: the scale-out test needs redis-server on PATH or REDIS_TEST_URL.');
}
const describeWithRedis = redisAvailable() ? describe : describe.skip;

const SESSION_SECRET = 'scale-out-test-session-secret-of-32+-chars';

describeWithRedis('scale-out: 2 × web, 2 × API, one Redis', () => {
  const work = mkdtempSync(join(tmpdir(), 'obo-scale-out-'));
  let redis: TestRedis;
  let emu: RunningEmulator;
  const web: { url: string; process: BundleProcess }[] = [];
  const api: { url: string; process: BundleProcess }[] = [];
  let cookie = '';

  beforeAll(async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const webUrls = ports.slice(0, 2).map((p) => `http://127.0.0.1:${p}`);
    const apiUrls = ports.slice(2).map((p) => `http://127.0.0.1:${p}`);
    // The default seed, with the web app's redirect URIs on this test's ports.
    const seed = structuredClone(loadSeed());
    const webApp = seed.apps.find((a) => a.clientId === EMULATOR_DEFAULTS.web.clientId);
    if (!webApp) throw new Error('the default seed has no web app');
    webApp.redirectUris = webUrls.map((u) => `${u}/auth/redirect`);
    webApp.postLogoutRedirectUris = webUrls.map((u) => `${u}/`);

    [redis, emu] = await Promise.all([
      startTestRedis(),
      startEmulator({ port: 0, dataDir: join(work, 'emulator'), seed, logger: false }),
    ]);
    const common = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AZURE_AUTHORITY_HOST: emu.url,
      EXTRA_CA_CERTS: emu.caCertPath,
      REDIS_URL: redis.url,
    };
    for (const url of apiUrls) {
      const process = startBundle('api', { ...common, PORT: new URL(url).port }, work);
      api.push({ url, process });
    }
    for (const [i, url] of webUrls.entries()) {
      const env = {
        ...common,
        PORT: new URL(url).port,
        PUBLIC_URL: url,
        SESSION_SECRET,
        API_BASE_URL: apiUrls[i], // web #1 → API #1, web #2 → API #2
      };
      web.push({ url, process: startBundle('web', env, work) });
    }
    // Ready = JWKS loaded (API) and Redis answering (both).
    await Promise.all(
      [...api, ...web].map((instance) => waitFor200(`${instance.url}/readyz`, instance.process)),
    );
  });

  afterAll(async () => {
    await stopAllBundles();
    await emu?.stop();
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('signs a user in through web #1 (auth code + PKCE, session in Redis)', async () => {
    const login = await get(`${web[0].url}/login`);
    expect(login.status).toBe(302);
    const pending = cookieOf(login.headers['set-cookie'], 'obo.web.signin'); // no session yet
    const browser = new EmulatorBrowser(emu.caCert);
    const result = await browser.signIn(String(login.headers.location), {
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    });
    expect(result.redirectUri).toBe(`${web[0].url}/auth/redirect`);
    const back = await get(
      `${web[0].url}/auth/redirect?${new URLSearchParams(result.params).toString()}`,
      { headers: { cookie: pending } },
    );
    expect(back.status).toBe(302);
    cookie = cookieOf(back.headers['set-cookie']); // regenerated at sign-in
    expect(cookie).toMatch(/^obo\.web\.sid=/);
  });

  it('web #2 → API #2 serves the user with the OBO token API #1 cached: one OBO in all', async () => {
    emu.resetCounters();
    const first = await get(`${web[0].url}/subscriptions`, { headers: { cookie } });
    expect(first.status).toBe(200);
    expect(first.body).toContain('<table');
    expect(emu.counters().token.on_behalf_of).toBe(1);

    const second = await get(`${web[1].url}/subscriptions`, { headers: { cookie } });
    expect(second.status).toBe(200);
    expect(tableOf(second.body)).toEqual(tableOf(first.body));
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(emu.counters().arm.subscriptions).toBe(2);
  });

  it('stopping web #1 and API #1 mid-run signs nobody out and fails no request after retry', async () => {
    const served: number[] = [];
    const stopped: Promise<unknown>[] = [];
    for (let n = 0; n < 30; n++) {
      if (n === 10) {
        stopped.push(web[0].process.stop('SIGTERM'), api[0].process.stop('SIGTERM'));
      }
      served.push(await throughLoadBalancer(n, '/subscriptions'));
    }
    const exits = (await Promise.all(stopped)) as { code: number | null }[];
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    expect(new Set(served.slice(0, 10))).toEqual(new Set([0, 1]));
    expect(served.slice(-5)).toEqual([1, 1, 1, 1, 1]);
    // Still signed in, on the surviving instance, and its token still comes from the caches.
    const profile = await get(`${web[1].url}/profile`, { headers: { cookie } });
    expect(profile.status).toBe(200);
    expect(emu.counters().token.on_behalf_of).toBe(1);
  });

  /**
   * Round-robin over the web instances, moving to the next one on a network error or a 5xx,
   * like a load balancer's retry; returns which instance answered. Fails on anything else.
   */
  async function throughLoadBalancer(n: number, path: string): Promise<number> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < web.length * 2; attempt++) {
      const i = (n + attempt) % web.length;
      try {
        const res = await get(`${web[i].url}${path}`, { headers: { cookie }, timeoutMs: 5000 });
        if (res.status === 200 && res.body.includes('<table')) return i;
        if (res.status < 500) throw new Error(`web #${i + 1} answered ${res.status}`);
        failures.push(`web #${i + 1}: ${res.status}`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw error;
        failures.push(`web #${i + 1}: ${code}`);
      }
    }
    throw new Error(`request ${n} failed on every instance: ${failures.join(', ')}`);
  }
});

function cookieOf(setCookie: string[] | undefined, name = 'obo.web.sid'): string {
  const found = (setCookie ?? []).find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie was set`);
  return found.split(';')[0];
}

/** The rendered subscription rows, without per-request details such as correlation ids. */
function tableOf(html: string): string {
  return /<table[\s\S]*<\/table>/.exec(html)?.[0] ?? '';
}
