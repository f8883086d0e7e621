import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmulatorBrowser,
  loadSeed,
  startEmulator,
  type RunningEmulator,
} from '@obo/entra-emulator';
import {
  freePort,
  get,
  startBundle,
  stopAllBundles,
  waitFor200,
  type BundleProcess,
} from './test/bundles';

/**
 * The B2C chain with nothing stood in: the web app and the API bundles, both in the b2c
 * profile, against the emulator's B2C tenant. A B2C user signs in through the sign-up/sign-in
 * user flow; the web app calls the API with the user's B2C token; the API validates it and
 * attempts On-Behalf-Of at the user flow, which B2C refuses (AADB2C90086); the web app shows
 * that refusal, and the API's 501 obo_not_supported, in its error panel.
 */
jest.setTimeout(60_000);

/** The default seed's B2C tenant: its web app, its API (scope demo.read) and user erin. */
function b2cOf(seed: ReturnType<typeof loadSeed>) {
  const b2c = seed.b2c;
  const webApp = b2c?.apps.find((a) => a.redirectUris?.length);
  const apiApp = b2c?.apps.find((a) => a.identifierUri);
  const user = b2c?.users[0];
  if (!b2c || !webApp || !apiApp || !user) throw new Error('the default seed has no B2C tenant');
  return { b2c, webApp, apiApp, user, scope: `${apiApp.identifierUri}/${apiApp.scopes?.[0]}` };
}

describe('B2C chain: web (b2c) → API (b2c) → B2C refuses OBO', () => {
  const work = mkdtempSync(join(tmpdir(), 'obo-b2c-chain-'));
  let emu: RunningEmulator;
  let web: { url: string; process: BundleProcess };
  let api: { url: string; process: BundleProcess };
  let t: ReturnType<typeof b2cOf>;

  beforeAll(async () => {
    const [webPort, apiPort] = await Promise.all([freePort(), freePort()]);
    const webUrl = `http://127.0.0.1:${webPort}`;
    const seed = structuredClone(loadSeed());
    t = b2cOf(seed);
    t.webApp.redirectUris = [`${webUrl}/auth/redirect`];
    t.webApp.postLogoutRedirectUris = [`${webUrl}/`];
    emu = await startEmulator({ port: 0, dataDir: join(work, 'emulator'), seed, logger: false });

    const common = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      EXTRA_CA_CERTS: emu.caCertPath,
      B2C_TENANT_NAME: t.b2c.tenantName,
      B2C_HOST: emu.url,
      SIGNUPSIGNIN_USER_FLOW: t.b2c.policies.signUpSignIn,
    };
    api = {
      url: `http://127.0.0.1:${apiPort}`,
      process: startBundle(
        'api',
        {
          ...common,
          PORT: String(apiPort),
          AZURE_CLIENT_ID: t.apiApp.clientId,
          AZURE_CLIENT_SECRET: t.apiApp.secrets[0],
          ALLOWED_TENANTS: t.b2c.tenantId,
          REQUIRED_SCOPE: 'demo.read',
        },
        work,
      ),
    };
    web = {
      url: webUrl,
      process: startBundle(
        'web',
        {
          ...common,
          PORT: String(webPort),
          PUBLIC_URL: webUrl,
          SESSION_SECRET: 'b2c-chain-test-session-secret-of-32+-chars',
          API_BASE_URL: api.url,
          API_SCOPES: t.scope,
          AZURE_CLIENT_ID: t.webApp.clientId,
          AZURE_CLIENT_SECRET: t.webApp.secrets[0],
        },
        work,
      ),
    };
    await Promise.all([
      waitFor200(`${api.url}/readyz`, api.process),
      waitFor200(`${web.url}/readyz`, web.process),
    ]);
  });

  afterAll(async () => {
    await stopAllBundles();
    await emu?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('signs in with the user flow, and /subscriptions shows B2C’s OBO refusal from the real API', async () => {
    const login = await get(`${web.url}/login`);
    expect(login.status).toBe(302);
    expect(String(login.headers.location)).toContain(
      '/obodevb2c.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize',
    );
    const browser = new EmulatorBrowser(emu.caCert);
    const result = await browser.signIn(String(login.headers.location), {
      username: t.user.email,
      password: t.user.password,
    });
    const back = await get(
      `${web.url}/auth/redirect?${new URLSearchParams(result.params).toString()}`,
      { headers: { cookie: cookieOf(login.headers['set-cookie']) } },
    );
    expect(back.status).toBe(302);
    const cookie = cookieOf(back.headers['set-cookie']);

    emu.resetCounters();
    const page = await get(`${web.url}/subscriptions`, { headers: { cookie } });
    expect(page.status).toBe(502);
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('obo_not_supported');
    expect(page.body).toContain('AADB2C90086');
    // The API really asked B2C (one OBO request at the user flow) and called no ARM.
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(emu.counters().arm.total).toBe(0);
    // Nothing of the tokens reaches the page.
    expect(page.body).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
  });
});

function cookieOf(setCookie: string[] | undefined): string {
  const found = (setCookie ?? []).find((c) => c.startsWith('obo.web.sid='));
  if (!found) throw new Error('no session cookie was set');
  return found.split(';')[0];
}
