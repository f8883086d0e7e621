import { EmulatorBrowser, type RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  csrfTokenOf,
  PASSWORD,
  REDIRECT_URI,
  startApiBundle,
  startTestEmulator,
  webConfigFor,
  type ApiBundle,
} from './test/harness';

/** The emulator's default-seed B2C and CIAM tenants (apps/entra-emulator/README.md). */
const B2C = {
  tenantName: 'obodevb2c',
  tenantId: '0b0eb2c0-0000-4000-8000-000000000001',
  webClientId: '0b0eb2c0-0000-4000-8000-000000000101',
  webSecret: 'obo-b2c-web-dev-secret-not-for-production',
  apiClientId: '0b0eb2c0-0000-4000-8000-000000000201',
  apiSecret: 'obo-b2c-api-dev-secret-not-for-production',
  scope: 'https://obodevb2c.onmicrosoft.com/api/demo.read',
  user: 'erin@example.com',
};
const CIAM = {
  tenantId: '0b0ec1a0-0000-4000-8000-000000000001',
  webClientId: '0b0ec1a0-0000-4000-8000-000000000101',
  webSecret: 'obo-ciam-web-dev-secret-not-for-production',
  apiClientId: '0b0ec1a0-0000-4000-8000-000000000201',
  apiSecret: 'obo-ciam-api-dev-secret-not-for-production',
  scope: 'api://0b0ec1a0-0000-4000-8000-000000000201/access_as_user',
  user: 'frank@example.com',
};

/**
 * Drives one browser through the emulator: `run` gets the authorize URL the app redirected
 * to and returns the emulator's answer; the answer goes to the app's redirect path.
 */
async function viaEmulator(
  agent: request.Agent,
  start: request.Response,
  run: (url: string) => Promise<{ redirectUri: string; params: Record<string, string> }>,
): Promise<request.Response> {
  expect(start.status).toBe(302);
  const result = await run(start.headers.location as string);
  expect(result.redirectUri).toBe(REDIRECT_URI);
  return agent.get('/auth/redirect').query(result.params);
}

/** "Sign up now" on the emulator's sign-in page, filled in and submitted: its answer. */
async function signUp(
  browser: EmulatorBrowser,
  authorizeUrl: string,
  user: { email: string; password: string; displayName: string },
): Promise<{ redirectUri: string; params: Record<string, string> }> {
  const login = await browser.get(authorizeUrl);
  const signUpUrl = browser.link(login, 'createAccount', authorizeUrl);
  const done = await browser.submit(await browser.get(signUpUrl), signUpUrl, {
    email: user.email,
    newPassword: user.password,
    reenterPassword: user.password,
    displayName: user.displayName,
  });
  return browser.finish(done, signUpUrl);
}

describe('web app in B2C mode (emulator B2C tenant)', () => {
  let emu: RunningEmulator;
  let api: ApiBundle;
  let web: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator();
    // The real API in the b2c profile: validates B2C tokens, and B2C refuses it OBO.
    api = await startApiBundle(emu, {
      B2C_TENANT_NAME: B2C.tenantName,
      B2C_HOST: emu.url,
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
      AZURE_CLIENT_ID: B2C.apiClientId,
      AZURE_CLIENT_SECRET: B2C.apiSecret,
      ALLOWED_TENANTS: B2C.tenantId,
      REQUIRED_SCOPE: 'demo.read',
    });
    const config = webConfigFor(emu, api.url, {
      B2C_TENANT_NAME: B2C.tenantName,
      B2C_HOST: emu.url,
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
      EDITPROFILE_USER_FLOW: 'B2C_1_edit',
      RESETPASSWORD_USER_FLOW: 'B2C_1_reset',
      AZURE_CLIENT_ID: B2C.webClientId,
      AZURE_CLIENT_SECRET: B2C.webSecret,
      API_SCOPES: B2C.scope,
    });
    expect(config.identity.kind).toBe('b2c');
    web = createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await web?.close();
    await api?.stop();
    await emu?.stop();
  });

  const signIn = async (agent: request.Agent, browser: EmulatorBrowser, username: string) => {
    const back = await viaEmulator(agent, await agent.get('/login'), (url) =>
      browser.signIn(url, { username, password: PASSWORD }),
    );
    expect(back.status).toBe(302);
    return back;
  };

  it('signs in with the sign-up/sign-in user flow; /profile shows tfp and an Edit profile link', async () => {
    const agent = request.agent(web.app);
    const start = await agent.get('/login');
    expect(String(start.headers.location).toLowerCase()).toContain(
      `${emu.url}/${B2C.tenantName}.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize`,
    );
    const back = await viaEmulator(agent, start, (url) =>
      new EmulatorBrowser(emu.caCert).signIn(url, { username: B2C.user, password: PASSWORD }),
    );
    expect(back.headers.location).toBe('/');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain('Erin Example');
    expect(profile.text).toContain('B2C_1_susi');
    expect(profile.text).toContain('href="/edit-profile"');
  });

  it('signs up a new user, then shows the new account on /profile', async () => {
    const agent = request.agent(web.app);
    const browser = new EmulatorBrowser(emu.caCert);
    const back = await viaEmulator(agent, await agent.get('/login'), (url) =>
      signUp(browser, url, {
        email: 'web-signup@example.com',
        password: 'S1gn-up-passw0rd',
        displayName: 'Web Signup',
      }),
    );
    expect(back.status).toBe(302);
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain('Web Signup');
    expect(profile.text).toContain('web-signup@example.com');
    expect(profile.text).toContain('newUser');
  });

  it('edits the profile: /edit-profile runs B2C_1_edit and /profile shows the new name', async () => {
    const agent = request.agent(web.app);
    const browser = new EmulatorBrowser(emu.caCert);
    await signIn(agent, browser, B2C.user);
    const back = await viaEmulator(agent, await agent.get('/edit-profile'), async (url) => {
      expect(url.toLowerCase()).toContain('/b2c_1_edit/oauth2/v2.0/authorize');
      const edit = await browser.get(url);
      return browser.finish(await browser.submit(edit, url, { displayName: 'Erin Edited' }), url);
    });
    expect(back.headers.location).toBe('/profile');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain('Erin Edited');
    expect(profile.text).toContain('B2C_1_edit');
  });

  it('"Forgot your password?" (AADB2C90118) starts the reset user flow, then signs the user in', async () => {
    const agent = request.agent(web.app);
    const browser = new EmulatorBrowser(emu.caCert);
    const toReset = await viaEmulator(agent, await agent.get('/login'), async (url) => {
      const login = await browser.get(url);
      return browser.finish(await browser.get(browser.link(login, 'forgotPassword', url)), url);
    });
    expect(toReset.status).toBe(302);
    const resetUrl = toReset.headers.location as string;
    expect(resetUrl.toLowerCase()).toContain('/b2c_1_reset/oauth2/v2.0/authorize');
    const back = await viaEmulator(agent, toReset, async (url) => {
      const emailPage = await browser.get(url);
      const passwordPage = await browser.submit(emailPage, url, {
        email: 'web-signup@example.com',
      });
      const done = await browser.submit(passwordPage, url, {
        newPassword: 'R3set-passw0rd',
        reenterPassword: 'R3set-passw0rd',
      });
      return browser.finish(done, url);
    });
    expect(back.headers.location).toBe('/');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain('Web Signup');
    expect(profile.text).toContain('B2C_1_reset');
  });

  it("calls the API with the B2C token, which accepts it; B2C's OBO refusal is shown clearly", async () => {
    const agent = request.agent(web.app);
    await signIn(agent, new EmulatorBrowser(emu.caCert), B2C.user);
    emu.resetCounters();
    const page = await agent.get('/subscriptions').expect(502);
    // The API validated the token (B2C issuer, aud = the API, scp demo.read: else 401/403)
    // and attempted the exchange once at the user flow; B2C said AADB2C90086.
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(emu.counters().arm.total).toBe(0);
    expect(page.text).toContain('role="alert"');
    expect(page.text).toContain('obo_not_supported');
    expect(page.text).toContain('AADB2C90086');
    expect(page.text).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
  });

  it("signs out through the user flow's end-session endpoint", async () => {
    const agent = request.agent(web.app);
    const browser = new EmulatorBrowser(emu.caCert);
    await signIn(agent, browser, B2C.user);
    const home = await agent.get('/').expect(200);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfTokenOf(home.text) ?? '' })
      .expect(302);
    const endSession = out.headers.location as string;
    expect(endSession).toContain(
      `${emu.url}/${B2C.tenantName}.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/logout`,
    );
    const emuOut = await browser.get(endSession);
    expect(emuOut.headers.location).toBe('http://localhost:3000/');
    await agent.get('/profile').expect(401);
  });
});

describe('web app in CIAM mode (emulator External ID tenant)', () => {
  let emu: RunningEmulator;
  let api: ApiBundle;
  let web: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator();
    api = await startApiBundle(emu, {
      AUTHORITY: `${emu.url}/obodevciam.onmicrosoft.com`,
      ARM_ENDPOINT: `${emu.url}/arm`,
      AZURE_CLIENT_ID: CIAM.apiClientId,
      AZURE_CLIENT_SECRET: CIAM.apiSecret,
      ALLOWED_TENANTS: CIAM.tenantId,
    });
    const config = webConfigFor(emu, api.url, {
      AUTHORITY: `${emu.url}/obodevciam.onmicrosoft.com`,
      AZURE_CLIENT_ID: CIAM.webClientId,
      AZURE_CLIENT_SECRET: CIAM.webSecret,
      API_SCOPES: CIAM.scope,
    });
    expect(config.identity.kind).toBe('ciam');
    web = createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await web?.close();
    await api?.stop();
    await emu?.stop();
  });

  it('signs up, shows the profile (no Edit profile link) and signs out', async () => {
    const agent = request.agent(web.app);
    const browser = new EmulatorBrowser(emu.caCert);
    const back = await viaEmulator(agent, await agent.get('/login'), (url) =>
      signUp(browser, url, {
        email: 'ciam-signup@example.com',
        password: 'C1am-passw0rd',
        displayName: 'Ciam Signup',
      }),
    );
    expect(back.headers.location).toBe('/');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain('Ciam Signup');
    expect(profile.text).toContain('0b0ec1a0-0000-4000-8000-000000000001');
    expect(profile.text).not.toContain('href="/edit-profile"');
    await agent.get('/edit-profile').expect(404);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfTokenOf(profile.text) ?? '' })
      .expect(302);
    expect(out.headers.location).toContain(
      `${emu.url}/obodevciam.onmicrosoft.com/oauth2/v2.0/logout`,
    );
  });

  it('signs in a seeded user; the API exchanges the CIAM token On-Behalf-Of for ARM', async () => {
    const agent = request.agent(web.app);
    await viaEmulator(agent, await agent.get('/login'), (url) =>
      new EmulatorBrowser(emu.caCert).signIn(url, { username: CIAM.user, password: PASSWORD }),
    );
    expect((await agent.get('/profile').expect(200)).text).toContain('Frank Example');
    emu.resetCounters();
    const page = await agent.get('/subscriptions').expect(200);
    // Validated (CIAM issuer, tid, aud, scope), exchanged once in the external tenant, ARM
    // called with the result: frank, a customer, owns no subscriptions.
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(emu.counters().arm.subscriptions).toBe(1);
    expect(page.text).toContain('You have no Azure subscriptions');
  });
});
