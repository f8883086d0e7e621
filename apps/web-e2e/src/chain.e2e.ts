import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { expectText, fillEmulatorLogin, newContext, screenshot } from './test/browser';
import { startChainAndBrowser, type RunningChain } from './test/chain';
import { displayNameOf, seededSubscriptions, seededUser } from './test/seed';

const ALICE = 'alice@obodev.onmicrosoft.com';
const BOB = 'bob@obodev.onmicrosoft.com';
const CAROL = 'carol@obodev.onmicrosoft.com';
const DAVE = 'dave@obodev.onmicrosoft.com';

/**
 * The whole chain in Chromium: the in-process emulator, the API and the web app from their
 * bundles. Every step leaves a full-page screenshot in test-artifacts/e2e/.
 */
describe('web → API → ARM in a browser', () => {
  let chain: RunningChain;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [chain, browser] = await startChainAndBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await chain?.stop();
  });
  beforeEach(async () => {
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  /** `/` → Sign in → the emulator's login form → back on the web app, signed in. */
  async function signIn(username: string, prefix: string): Promise<void> {
    await page.goto(`${chain.webUrl}/`);
    await screenshot(page, `${prefix}-01-home-signed-out`);
    await Promise.all([
      page.waitForURL(`${chain.emulator.url}/**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
    await page.locator('input[name="login"]').waitFor();
    await screenshot(page, `${prefix}-02-emulator-login`);
    await fillEmulatorLogin(page, username);
  }

  it('alice: signs in, sees her claims, her subscriptions and the token journey, signs out', async () => {
    await signIn(ALICE, 'alice');
    await page.waitForURL(`${chain.webUrl}/`);
    await expectText(page.locator('main'), `Signed in as ${displayNameOf(ALICE)}`);
    await expectText(page.locator('header .account'), displayNameOf(ALICE));
    await screenshot(page, 'alice-03-signed-in');

    await page.locator('nav a', { hasText: 'ID token' }).click();
    await page.waitForURL(`${chain.webUrl}/profile`);
    const claims = await page.locator('main table tbody th code').allTextContents();
    expect(claims).toEqual(expect.arrayContaining(['name', 'oid', 'tid', 'preferred_username']));
    await expectText(claimRow(page, 'preferred_username'), ALICE);
    await expectText(claimRow(page, 'tid'), EMULATOR_DEFAULTS.tenantId);
    await screenshot(page, 'alice-04-profile');

    await page.locator('nav a', { hasText: 'Subscriptions' }).click();
    await page.waitForURL(`${chain.webUrl}/subscriptions`);
    const names = await page.locator('main table tbody th').allTextContents();
    expect(names.sort()).toEqual(
      seededSubscriptions(ALICE)
        .map((s) => s.displayName)
        .sort(),
    );
    await screenshot(page, 'alice-05-subscriptions');

    await page.locator('nav a', { hasText: 'Token journey' }).click();
    await page.waitForURL(`${chain.webUrl}/journey`);
    const auds = await Promise.all(
      ['id', 'api', 'obo'].map((hop) =>
        page.locator(`[data-hop="${hop}"] tr[data-claim="aud"] td`).textContent(),
      ),
    );
    expect(auds).toEqual([
      EMULATOR_DEFAULTS.web.clientId,
      EMULATOR_DEFAULTS.api.clientId,
      'https://management.azure.com/',
    ]);
    expect(new Set(auds).size).toBe(3);
    const html = await page.content();
    expect(html).not.toMatch(/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
    await screenshot(page, 'alice-06-token-journey');

    await Promise.all([
      page.waitForURL(`${chain.webUrl}/`),
      page.locator('header .account button', { hasText: 'Sign out' }).click(),
    ]);
    await expectText(page.locator('main'), 'You are not signed in');
    await screenshot(page, 'alice-07-signed-out');

    const profile = await page.goto(`${chain.webUrl}/profile`);
    expect(profile?.status()).toBe(401);
    await expectText(page.locator('main h1'), 'Sign-in required');
    await screenshot(page, 'alice-08-profile-401');
  });

  it('carol: the API’s MFA challenge sends her through step-up and back to /subscriptions', async () => {
    await signIn(CAROL, 'carol');
    await page.waitForURL(`${chain.webUrl}/`);
    await screenshot(page, 'carol-03-signed-in');

    await page.locator('nav a', { hasText: 'Subscriptions' }).click();
    await page.waitForURL(`${chain.emulator.url}/**`);
    await screenshot(page, 'carol-04-mfa-challenge');
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/subscriptions`),
      page.locator('[name="approve"]').click(),
    ]);
    const names = await page.locator('main table tbody th').allTextContents();
    expect(names.sort()).toEqual(
      seededSubscriptions(CAROL)
        .map((s) => s.displayName)
        .sort(),
    );
    await screenshot(page, 'carol-05-subscriptions-after-mfa');
  });

  it('alice: Microsoft Graph shows her profile, read with her own token', async () => {
    await signIn(ALICE, 'alice-graph');
    await page.waitForURL(`${chain.webUrl}/`);
    await page.locator('nav a', { hasText: 'Microsoft Graph' }).click();
    // alice consented to User.Read earlier (the seed): no page of the emulator's on the way.
    await page.waitForURL(`${chain.webUrl}/graph`);
    const alice = seededUser(ALICE);
    await expectText(profileRow(page, 'displayName'), alice.displayName);
    await expectText(profileRow(page, 'userPrincipalName'), ALICE);
    await expectText(profileRow(page, 'jobTitle'), alice.jobTitle ?? '');
    await expectText(profileRow(page, 'id'), alice.id);
    expect(await page.content()).not.toMatch(
      /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
    );
    await screenshot(page, 'alice-graph-03-profile');
  });

  it('dave: the first visit to Microsoft Graph asks his consent for User.Read, then shows his profile', async () => {
    await signIn(DAVE, 'dave-graph');
    await page.waitForURL(`${chain.webUrl}/`);
    await page.locator('nav a', { hasText: 'Microsoft Graph' }).click();
    await page.waitForURL(`${chain.emulator.url}/**`);
    await expectText(page.locator('body'), 'Microsoft Graph: User.Read');
    expect(await page.content()).not.toContain('access_as_user');
    await screenshot(page, 'dave-graph-03-consent');
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/graph`),
      page.locator('#idBtn_Accept').click(),
    ]);
    await expectText(profileRow(page, 'displayName'), displayNameOf(DAVE));
    await screenshot(page, 'dave-graph-04-profile');
  });

  it('bob: every page of his subscriptions is listed', async () => {
    await signIn(BOB, 'bob');
    await page.waitForURL(`${chain.webUrl}/`);
    await page.goto(`${chain.webUrl}/subscriptions`);
    const ids = await page.locator('main table tbody td:nth-child(2) code').allTextContents();
    const seeded = seededSubscriptions(BOB).map((s) => s.subscriptionId);
    expect(seeded.length).toBeGreaterThan(5);
    expect(ids.sort()).toEqual(seeded.sort());
    await expectText(page.locator('main caption'), `${seeded.length} subscriptions`);
    await screenshot(page, 'bob-03-subscriptions-all-pages');
  });
});

function claimRow(page: Page, claim: string) {
  return page.locator('main table tbody tr', { has: page.locator(`th code:text-is("${claim}")`) });
}

function profileRow(page: Page, property: string) {
  return page.locator(`main tr[data-property="${property}"] td`);
}
