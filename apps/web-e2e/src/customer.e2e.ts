import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectText, newContext, screenshot } from './test/browser';
import { startChainAndBrowser, type RunningChain } from './test/chain';
import { defaultSeed } from './test/seed';

const PASSWORD = 'Passw0rd!';

/**
 * The customer tenants in Chromium: the web app and the API (bundles) in the b2c and ciam
 * profiles against the emulator's B2C and External ID tenants, through their real pages.
 */
describe('Azure AD B2C in a browser', () => {
  let chain: RunningChain;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [chain, browser] = await startChainAndBrowser('b2c');
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await chain?.stop();
  });

  /** Fills and submits the form of the page the browser is on. */
  async function submit(fields: Record<string, string>, button = '#continue'): Promise<void> {
    for (const [name, value] of Object.entries(fields)) {
      await page.locator(`input[name="${name}"]`).fill(value);
    }
    await Promise.all([page.waitForNavigation(), page.locator(button).click()]);
  }

  async function startSignIn(): Promise<void> {
    await page.goto(`${chain.webUrl}/`);
    await Promise.all([
      page.waitForURL(`${chain.emulator.url}/**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
  }

  async function signOut(): Promise<void> {
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/`),
      page.locator('header .account button', { hasText: 'Sign out' }).click(),
    ]);
    await expectText(page.locator('main'), 'You are not signed in');
  }

  it('signs up a new user with the sign-up/sign-in user flow', async () => {
    await startSignIn();
    await page.locator('#createAccount').click();
    await page.locator('input[name="displayName"]').waitFor();
    await screenshot(page, 'b2c-01-sign-up');
    await submit({
      email: 'browser-signup@example.com',
      newPassword: 'Br0wser-passw0rd',
      reenterPassword: 'Br0wser-passw0rd',
      displayName: 'Browser Signup',
    });
    await page.waitForURL(`${chain.webUrl}/`);
    await expectText(page.locator('header .account'), 'Browser Signup');
    await screenshot(page, 'b2c-02-signed-up');
  });

  it('edits the profile: the new name shows on /profile', async () => {
    await page.goto(`${chain.webUrl}/profile`);
    await Promise.all([
      page.waitForURL(`${chain.emulator.url}/**`),
      page.locator('#editProfile').click(),
    ]);
    await screenshot(page, 'b2c-03-edit-profile');
    await submit({ displayName: 'Browser Renamed' });
    await page.waitForURL(`${chain.webUrl}/profile`);
    await expectText(page.locator('main'), 'Browser Renamed');
    await screenshot(page, 'b2c-04-profile-renamed');
  });

  it("shows B2C's refusal of On-Behalf-Of (AADB2C90086) from the API clearly", async () => {
    await page.goto(`${chain.webUrl}/subscriptions`);
    const alert = page.locator('main [role="alert"]');
    await expectText(alert, 'obo_not_supported');
    await expectText(alert, 'AADB2C90086');
    // B2C user-flow tokens are not Graph tokens: no Microsoft Graph page is offered.
    expect(await page.locator('nav a', { hasText: 'Microsoft Graph' }).count()).toBe(0);
    await screenshot(page, 'b2c-05-obo-not-supported');
    await signOut();
  });

  it('"Forgot your password?" resets the password and signs the user in', async () => {
    await startSignIn();
    await Promise.all([page.waitForNavigation(), page.locator('#forgotPassword').click()]);
    // The web app got AADB2C90118 and started the password-reset user flow.
    await page.locator('input[name="email"]').waitFor();
    await screenshot(page, 'b2c-06-reset-email');
    await submit({ email: 'browser-signup@example.com' });
    await submit({ newPassword: 'N3w-passw0rd!', reenterPassword: 'N3w-passw0rd!' });
    await page.waitForURL(`${chain.webUrl}/**`);
    await expectText(page.locator('header .account'), 'Browser Renamed');
    await screenshot(page, 'b2c-07-reset-signed-in');
    await signOut();

    // The new password signs in; the old one no longer does.
    await startSignIn();
    await submit({ login: 'browser-signup@example.com', passwd: 'Br0wser-passw0rd' }, '#next');
    expect(await page.locator('#passwordError').count()).toBe(1);
    expect(page.url()).toContain(chain.emulator.url);
    await submit({ login: 'browser-signup@example.com', passwd: 'N3w-passw0rd!' }, '#next');
    await page.waitForURL(`${chain.webUrl}/`);
    await expectText(page.locator('header .account'), 'Browser Renamed');
  });
});

describe('External ID (CIAM) in a browser', () => {
  let chain: RunningChain;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const frank = defaultSeed().ciam?.users[0];

  beforeAll(async () => {
    [chain, browser] = await startChainAndBrowser('ciam');
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

  it('signs up a new customer, then signs out', async () => {
    await page.goto(`${chain.webUrl}/`);
    await Promise.all([
      page.waitForURL(`${chain.emulator.url}/**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
    expect(await page.locator('#forgotPassword').count()).toBe(0);
    await page.locator('#createAccount').click();
    await page.locator('input[name="email"]').fill('ciam-browser@example.com');
    await page.locator('input[name="newPassword"]').fill('C1am-br0wser');
    await page.locator('input[name="reenterPassword"]').fill('C1am-br0wser');
    await page.locator('input[name="displayName"]').fill('Ciam Browser');
    await Promise.all([page.waitForURL(`${chain.webUrl}/`), page.locator('#continue').click()]);
    await expectText(page.locator('header .account'), 'Ciam Browser');
    await screenshot(page, 'ciam-01-signed-up');
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/`),
      page.locator('header .account button', { hasText: 'Sign out' }).click(),
    ]);
    await expectText(page.locator('main'), 'You are not signed in');
  });

  it('signs in a seeded customer; subscriptions come through OBO in the external tenant', async () => {
    if (!frank) throw new Error('the default seed has no External ID user');
    await page.goto(`${chain.webUrl}/subscriptions`);
    await page.locator('input[name="login"]').fill(frank.email);
    await page.locator('input[name="passwd"]').fill(PASSWORD);
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/subscriptions`),
      page.locator('#next').click(),
    ]);
    await expectText(page.locator('header .account'), frank.displayName);
    await expectText(page.locator('main'), 'You have no Azure subscriptions');
    await screenshot(page, 'ciam-02-subscriptions');

    // External ID: Microsoft Graph with the customer's own token (admin-consented User.Read).
    await Promise.all([
      page.waitForURL(`${chain.webUrl}/graph`),
      page.locator('nav a', { hasText: 'Microsoft Graph' }).click(),
    ]);
    await expectText(page.locator('main tr[data-property="mail"] td'), frank.email);
    await expectText(page.locator('main tr[data-property="displayName"] td'), frank.displayName);
    await screenshot(page, 'ciam-03-graph-profile');
  });
});
