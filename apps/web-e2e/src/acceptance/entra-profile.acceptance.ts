import type { BrowserContext, Page } from 'playwright-core';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { expectText, fillEmulatorLogin, newContext, screenshot } from '../test/browser';
import { displayNameOf, seededSubscriptions } from '../test/seed';
import { counters, type Counters } from './test/namespace';
import { startInProduction, type ProductionChain } from './test/production';

const WEB = 'http://localhost:3000';
const LOGIN = 'https://login.microsoftonline.com';
const { tenantId, web, api } = EMULATOR_DEFAULTS;

/**
 * Our own web app and API in the production (`entra`) profile — only AZURE_TENANT_ID,
 * AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and API_SCOPES, on their default ports, trusting the
 * emulator's CA — against login.microsoftonline.com and management.azure.com, which the
 * namespace routes to the emulator. MSAL does its own discovery; Chromium follows the real
 * host names (it ignores certificate errors: the one allowance).
 */
describe('the production (entra) profile in Chromium, against Microsoft’s host names', () => {
  let chain: ProductionChain;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const production = (app: { clientId: string; clientSecret: string }) => ({
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: app.clientId,
      AZURE_CLIENT_SECRET: app.clientSecret,
    });
    chain = await startInProduction({
      api: production(api),
      web: { ...production(web), API_SCOPES: `api://${api.clientId}/access_as_user` },
    });
  });
  afterAll(() => chain?.stop());
  beforeEach(async () => {
    context = await newContext(chain.browser);
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  /** `/` → Sign in → login.microsoftonline.com's login form → back on the web app. */
  async function signIn(username: string, prefix: string): Promise<void> {
    await page.goto(`${WEB}/`);
    await Promise.all([
      page.waitForURL(`${LOGIN}/${tenantId}/oauth2/v2.0/authorize**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
    await page.locator('input[name="login"]').waitFor();
    await screenshot(page, `${prefix}-01-login-microsoftonline`);
    await fillEmulatorLogin(page, username);
  }

  it('alice: signs in at login.microsoftonline.com, sees her subscriptions, signs out there', async () => {
    const before = await counters(chain.emulator);
    await signIn('alice@obodev.onmicrosoft.com', 'entra-alice');
    await page.waitForURL(`${WEB}/`);
    await expectText(
      page.locator('header .account'),
      displayNameOf('alice@obodev.onmicrosoft.com'),
    );

    await page.locator('nav a', { hasText: 'Subscriptions' }).click();
    await page.waitForURL(`${WEB}/subscriptions`);
    const names = await page.locator('main table tbody th').allTextContents();
    expect(names.sort()).toEqual(
      seededSubscriptions('alice@obodev.onmicrosoft.com')
        .map((s) => s.displayName)
        .sort(),
    );
    await screenshot(page, 'entra-alice-02-subscriptions');

    const visited: string[] = [];
    page.on('request', (r) => visited.push(new URL(r.url()).origin));
    await Promise.all([
      page.waitForURL(`${WEB}/`),
      page.locator('header .account button', { hasText: 'Sign out' }).click(),
    ]);
    expect(visited).toContain(LOGIN);
    await expectText(page.locator('main'), 'You are not signed in');
    expect((await page.goto(`${WEB}/profile`))?.status()).toBe(401);
    await screenshot(page, 'entra-alice-03-signed-out');

    // The sign-in was real traffic to the emulator as Microsoft: documents, a code, OBO, ARM.
    const after = await counters(chain.emulator);
    const grew = (path: (c: Counters) => number) => path(after) - path(before);
    expect(grew((c) => c.token.authorization_code)).toBeGreaterThan(0);
    expect(grew((c) => c.token.on_behalf_of)).toBeGreaterThan(0);
    expect(grew((c) => c.arm.subscriptions)).toBeGreaterThan(0);
  });

  it('alice: Microsoft Graph at graph.microsoft.com shows her profile', async () => {
    const before = await counters(chain.emulator);
    await signIn('alice@obodev.onmicrosoft.com', 'entra-alice-graph');
    await page.waitForURL(`${WEB}/`);
    await page.locator('nav a', { hasText: 'Microsoft Graph' }).click();
    await page.waitForURL(`${WEB}/graph`);
    await expectText(page.locator('main'), displayNameOf('alice@obodev.onmicrosoft.com'));
    await expectText(page.locator('main'), 'alice@obodev.onmicrosoft.com');
    await screenshot(page, 'entra-alice-graph-02-profile');
    const after = await counters(chain.emulator);
    expect(after.graph.total - before.graph.total).toBeGreaterThan(0);
  });

  it('bob: every page of his subscriptions, through management.azure.com’s nextLinks', async () => {
    await signIn('bob@obodev.onmicrosoft.com', 'entra-bob');
    await page.waitForURL(`${WEB}/`);
    await page.goto(`${WEB}/subscriptions`);
    const ids = await page.locator('main table tbody td:nth-child(2) code').allTextContents();
    const seeded = seededSubscriptions('bob@obodev.onmicrosoft.com').map((s) => s.subscriptionId);
    expect(seeded.length).toBeGreaterThan(5);
    expect(ids.sort()).toEqual(seeded.sort());
    await screenshot(page, 'entra-bob-02-subscriptions-all-pages');
  });

  it('carol: the MFA step-up runs at login.microsoftonline.com and returns to /subscriptions', async () => {
    await signIn('carol@obodev.onmicrosoft.com', 'entra-carol');
    await page.waitForURL(`${WEB}/`);
    await Promise.all([
      page.waitForURL(`${LOGIN}/**`),
      page.locator('nav a', { hasText: 'Subscriptions' }).click(),
    ]);
    await screenshot(page, 'entra-carol-02-mfa-challenge');
    await Promise.all([
      page.waitForURL(`${WEB}/subscriptions`),
      page.locator('[name="approve"]').click(),
    ]);
    const names = await page.locator('main table tbody th').allTextContents();
    expect(names.sort()).toEqual(
      seededSubscriptions('carol@obodev.onmicrosoft.com')
        .map((s) => s.displayName)
        .sort(),
    );
    await screenshot(page, 'entra-carol-03-subscriptions-after-mfa');
  });
});
