import { EmulatorBrowser, type RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { offlineConfig, silentLogger } from './test/config';
import {
  ALICE,
  CAROL,
  completeSignIn,
  DAVE,
  PASSWORD,
  REDIRECT_URI,
  signIn,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
} from './test/harness';

/** A JWT anywhere in a text: never in a page. */
const JWT_SHAPED = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}/;
const USER_READ = 'https://graph.microsoft.com/User.Read';
/** The web app does not call the API on /graph: nothing listens here. */
const NO_API = 'http://127.0.0.1:9';
const GRAPH_TIMEOUT_MS = 400;

/** The rows of the profile table: `data-property` → the value cell's text. */
function profileOf(html: string): Record<string, string> {
  return Object.fromEntries(
    [
      ...html.matchAll(/<tr data-property="([^"]+)"><th scope="row">[^<]*<\/th><td>([^<]*)<\/td>/g),
    ].map((m) => [m[1], m[2]]),
  );
}

/**
 * `/graph` against the in-process emulator's Microsoft Graph: the web app calls Graph itself with
 * the user's own token (no API in between), asking for `User.Read` only when the page is first
 * opened. Failures come from faults injected into the emulator's Graph and token endpoint.
 */
describe('web app → Microsoft Graph (/graph) with the Entra emulator', () => {
  let emu: RunningEmulator;
  let web: WebApp;
  let clock = Date.now();

  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
    web = createApp(webConfigFor(emu, NO_API), {
      logger: silentLogger,
      now: () => clock,
      graphTimeoutMs: GRAPH_TIMEOUT_MS,
    });
  });

  afterAll(async () => {
    await web?.close();
    await emu?.stop();
  });

  beforeEach(() => {
    clock = Date.now();
  });

  afterEach(() => {
    emu.faults.clear();
  });

  it('shows alice’s profile from Graph: User.Read is asked for on the first visit, not at sign-in', async () => {
    const agent = request.agent(web.app);
    const login = await agent.get('/login?returnTo=/graph').expect(302);
    const scope = new URL(login.headers.location).searchParams.get('scope') ?? '';
    expect(scope).not.toContain('graph.microsoft.com');
    expect(await completeSignIn(agent, login.headers.location, ALICE)).toBe('/graph');

    emu.resetCounters();
    const page = await agent.get('/graph').set('x-correlation-id', 'corr-graph-1').expect(200);
    expect(page.text).toContain('<a href="/graph" aria-current="page">Microsoft Graph</a>');
    expect(profileOf(page.text)).toEqual({
      displayName: 'Alice Adams',
      userPrincipalName: ALICE,
      mail: ALICE,
      jobTitle: 'Cloud Engineer',
      officeLocation: 'Building 1, Room 101',
      businessPhones: '+1 425 555 0101',
      mobilePhone: '+1 425 555 0191',
      preferredLanguage: 'en-US',
      id: '0b0e0000-0000-4000-8000-000000001001',
    });
    expect(page.text).not.toMatch(JWT_SHAPED);
    // The Graph token came from the refresh token (one token call), then one Graph call.
    expect(emu.counters().token.refresh_token).toBe(1);
    expect(emu.counters().graph.me).toBe(1);

    // The second visit uses the cached Graph token.
    emu.resetCounters();
    await agent.get('/graph').expect(200);
    expect(emu.counters().token.total).toBe(0);
    expect(emu.counters().graph.me).toBe(1);
  });

  it('dave has not consented: the first visit asks him for User.Read alone, then shows his profile', async () => {
    // Consents given at run time (by other tests) are forgotten: dave is as the seed has him.
    emu.reset();
    const agent = request.agent(web.app);
    await signIn(agent, DAVE);
    const first = await agent.get('/graph').expect(302);
    const authorize = new URL(first.headers.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/authorize`,
    );
    expect(authorize.searchParams.get('scope')).toContain(USER_READ);
    expect(authorize.searchParams.get('login_hint')).toBe(DAVE);
    // Not prompt=consent: Entra asks for what is missing only.
    expect(authorize.searchParams.get('prompt')).toBeNull();

    // The emulator's pages: password (a new browser), then consent — for Graph's User.Read only.
    const browser = new EmulatorBrowser(emu.caCert);
    const login = await browser.get(authorize.toString());
    const consent = await browser.submit(login, emu.authority, { login: DAVE, passwd: PASSWORD });
    expect(consent.body).toContain('Microsoft Graph: User.Read');
    expect(consent.body).not.toContain('access_as_user');
    const result = await browser.finish(
      await browser.submit(consent, emu.authority, { accept: 'yes' }),
      emu.authority,
    );
    expect(result.redirectUri).toBe(REDIRECT_URI);
    const back = await agent.get('/auth/redirect').query(result.params).expect(302);
    expect(back.headers.location).toBe('/graph');

    const page = await agent.get('/graph').expect(200);
    expect(profileOf(page.text)).toMatchObject({
      displayName: 'Dave Davis',
      userPrincipalName: DAVE,
      jobTitle: 'Intern',
    });
    // Fields dave's directory entry leaves unset are not shown.
    expect(profileOf(page.text).officeLocation).toBeUndefined();
  });

  it('declined consent: the sign-in error page (AADSTS65004), no profile', async () => {
    emu.reset();
    const agent = request.agent(web.app);
    await signIn(agent, DAVE);
    const first = await agent.get('/graph').expect(302);
    const result = await new EmulatorBrowser(emu.caCert).signIn(first.headers.location, {
      username: DAVE,
      password: PASSWORD,
      consent: 'decline',
    });
    expect(result.params.error).toBe('access_denied');
    const back = await agent.get('/auth/redirect').query(result.params).expect(400);
    expect(back.text).toContain('access_denied');
    expect(back.text).toContain('AADSTS65004');
  });

  it('a claims challenge at the token endpoint (MFA on refresh) sends the user through step-up', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, CAROL);
    emu.faults.add({ endpoint: 'token', grantType: 'refresh_token', aadsts: 50076, count: 1 });
    const res = await agent.get('/graph').expect(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${emu.authority}/oauth2/v2.0/authorize`);
    expect(JSON.parse(url.searchParams.get('claims') ?? '{}').access_token.capolids).toBeDefined();
    expect(await completeSignIn(agent, url.toString(), CAROL)).toBe('/graph');
    expect(profileOf((await agent.get('/graph').expect(200)).text).displayName).toBe('Carol Clark');
  });

  it('Graph’s claims challenge (CAE 401) steps up with its claims; a second one right after is shown, not looped', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    emu.faults.add({ endpoint: 'graph', graphError: { status: 401, claims }, count: 1 });
    const challenged = await agent.get('/graph').expect(302);
    const url = new URL(challenged.headers.location);
    expect(JSON.parse(url.searchParams.get('claims') ?? '{}')).toMatchObject(JSON.parse(claims));
    expect(url.searchParams.get('scope')).toContain(USER_READ);
    expect(await completeSignIn(agent, url.toString(), ALICE)).toBe('/graph');
    await agent.get('/graph').expect(200);

    emu.faults.add({ endpoint: 'graph', graphError: { status: 401, claims }, count: 1 });
    const again = await agent.get('/graph').expect(403);
    expect(again.text).toContain('role="alert"');
    expect(again.text).toContain('insufficient_claims');
    expect(again.text).toContain('<h1>Microsoft Graph</h1>');
  });

  it.each([
    [{ status: 401 }, '401', 'InvalidAuthenticationToken'],
    [{ status: 403 }, '403', 'Authorization_RequestDenied'],
    [{ graphError: { status: 429, retryAfter: 7 } }, '429', 'TooManyRequests'],
    [{ status: 500 }, '500', 'generalException'],
    [{ status: 503 }, '503', 'serviceNotAvailable'],
  ])('Graph answers %j: the error panel with status %s and %s', async (fault, status, code) => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.faults.add({ endpoint: 'graph', count: 1, ...fault });
    const res = await agent.get('/graph').set('x-correlation-id', 'corr-graph-err').expect(502);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('Your profile could not be loaded');
    expect(res.text).toContain(`<dd>${status}</dd>`);
    expect(res.text).toContain(`<code>${code}</code>`);
    expect(res.text).toContain('corr-graph-err');
    expect(res.text).not.toMatch(JWT_SHAPED);
    if (status === '429') expect(res.text).toContain('try again in 7 s');
    // One attempt only: the page shows Graph's answer (the next visit is served).
    await agent.get('/graph').expect(200);
  });

  it('Graph does not answer in time: graph_timeout in the error panel', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.faults.add({ endpoint: 'graph', delayMs: GRAPH_TIMEOUT_MS * 4, count: 1 });
    const res = await agent.get('/graph').expect(502);
    expect(res.text).toContain('<code>graph_timeout</code>');
  });

  it('signed out: /graph sends the browser to sign in and back', async () => {
    const res = await request(web.app).get('/graph').expect(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Fgraph');
  });
});

describe('web app → Microsoft Graph for External ID users (emulator CIAM tenant)', () => {
  let emu: RunningEmulator;
  let web: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
    const config = webConfigFor(emu, NO_API, {
      AUTHORITY: `${emu.url}/obodevciam.onmicrosoft.com`,
      AZURE_CLIENT_ID: '0b0ec1a0-0000-4000-8000-000000000101',
      AZURE_CLIENT_SECRET: 'obo-ciam-web-dev-secret-not-for-production',
      API_SCOPES: 'api://0b0ec1a0-0000-4000-8000-000000000201/access_as_user',
    });
    expect(config.graph?.endpoint).toBe(`${emu.url}/graph`);
    web = createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await web?.close();
    await emu?.stop();
  });

  it('shows frank’s profile (the tenant’s admin consented to User.Read for its apps)', async () => {
    const agent = request.agent(web.app);
    const login = await agent.get('/login?returnTo=/graph').expect(302);
    const result = await new EmulatorBrowser(emu.caCert).signIn(login.headers.location, {
      username: 'frank@example.com',
      password: PASSWORD,
    });
    await agent.get('/auth/redirect').query(result.params).expect(302);
    const page = await agent.get('/graph').expect(200);
    expect(profileOf(page.text)).toMatchObject({
      displayName: 'Frank Example',
      mail: 'frank@example.com',
      jobTitle: 'Customer',
      id: '0b0ec1a0-0000-4000-8000-000000001001',
      userPrincipalName: '0b0ec1a0-0000-4000-8000-000000001001@obodevciam.onmicrosoft.com',
    });
  });
});

describe('Azure AD B2C: no Microsoft Graph page', () => {
  it('has no /graph route and no navigation link (B2C user-flow tokens are not Graph tokens)', async () => {
    const web = createApp(
      offlineConfig({
        B2C_TENANT_NAME: 'obodevb2c',
        B2C_HOST: 'https://localhost:8443',
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        AZURE_CLIENT_ID: '0b0eb2c0-0000-4000-8000-000000000101',
        AZURE_CLIENT_SECRET: 'obo-b2c-web-dev-secret-not-for-production',
        API_SCOPES: 'https://obodevb2c.onmicrosoft.com/api/demo.read',
      }),
      { logger: silentLogger },
    );
    try {
      await request(web.app).get('/graph').expect(404);
      const home = await request(web.app).get('/').expect(200);
      expect(home.text).not.toContain('href="/graph"');
      // The emulator profile links it.
      const emulatorWeb = createApp(offlineConfig(), { logger: silentLogger });
      try {
        const emulatorHome = await request(emulatorWeb.app).get('/').expect(200);
        expect(emulatorHome.text).toContain('<a href="/graph">Microsoft Graph</a>');
      } finally {
        await emulatorWeb.close();
      }
    } finally {
      await web.close();
    }
  });
});
