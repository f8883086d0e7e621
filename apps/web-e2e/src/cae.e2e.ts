import { request } from 'node:https';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectText, fillEmulatorLogin, newContext, screenshot } from './test/browser';
import { startChainAndBrowser, type RunningChain } from './test/chain';
import { seededSubscriptions } from './test/seed';

const ALICE = 'alice@obodev.onmicrosoft.com';
const BOB = 'bob@obodev.onmicrosoft.com';
const DAVE = 'dave@obodev.onmicrosoft.com';
const NEW_PASSWORD = 'N3w-Passw0rd!';

/**
 * Continuous Access Evaluation in Chromium: a critical event made through the emulator's control
 * plane (revoked sessions, a changed password, a disabled account) takes effect at the user's
 * next click — ARM refuses the API's long-lived token, the web app sends the user through the
 * login page (credentials asked again) and back to the list. Screenshots: `cae-*.png`.
 */
describe('CAE: a critical event takes effect at the next click', () => {
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

  /** A control-plane call, as an administrator's script would make it. */
  function control(path: string, body?: unknown): Promise<number> {
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${chain.emulator.url}/_emulator/${path}`,
        {
          method: 'POST',
          ca: chain.emulator.caCert,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  }

  /** Signs `username` in from the home page and opens Subscriptions. */
  async function signInAndList(username: string, prefix: string): Promise<void> {
    await page.goto(`${chain.webUrl}/`);
    await Promise.all([
      page.waitForURL(`${chain.emulator.url}/**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
    await fillEmulatorLogin(page, username);
    await page.waitForURL(`${chain.webUrl}/`);
    await clickSubscriptions();
    await page.waitForURL(`${chain.webUrl}/subscriptions`);
    await screenshot(page, `${prefix}-01-subscriptions`);
  }

  const clickSubscriptions = () => page.locator('nav a', { hasText: 'Subscriptions' }).click();
  const listed = async () => (await page.locator('main table tbody th').allTextContents()).sort();
  const seededNames = (user: string) =>
    seededSubscriptions(user)
      .map((s) => s.displayName)
      .sort();

  /** The next click on Subscriptions must land on the emulator's login form. */
  async function nextClickAsksForCredentials(prefix: string): Promise<void> {
    const challengesBefore = chain.emulator.counters().arm.caeChallenges;
    await Promise.all([page.waitForURL(`${chain.emulator.url}/**`), clickSubscriptions()]);
    await page.locator('input[name="passwd"]').waitFor();
    // The first request after the event was the one ARM refused: no request in between.
    expect(chain.emulator.counters().arm.caeChallenges).toBe(challengesBefore + 1);
    await screenshot(page, `${prefix}-02-login-again`);
  }

  it('alice: revoked sessions → the login page → back on her subscriptions', async () => {
    await signInAndList(ALICE, 'cae-revoke');
    expect(await listed()).toEqual(seededNames(ALICE));
    expect(await control(`users/${ALICE}/revoke`)).toBe(204);

    await nextClickAsksForCredentials('cae-revoke');
    await fillEmulatorLogin(page, ALICE);
    await page.waitForURL(`${chain.webUrl}/subscriptions`);
    expect(await listed()).toEqual(seededNames(ALICE));
    await screenshot(page, 'cae-revoke-03-subscriptions-again');

    await page.locator('nav a', { hasText: 'Token journey' }).click();
    await page.waitForURL(`${chain.webUrl}/journey`);
    const panel = page.locator('[data-challenge="reauthentication"]');
    await expectText(panel, 'Continuous Access Evaluation');
    await expectText(panel, 'Signed in again');
    await screenshot(page, 'cae-revoke-04-journey');
  });

  it('bob: a changed password → the old one refused, the new one back on his subscriptions', async () => {
    await signInAndList(BOB, 'cae-password');
    expect(await control(`users/${BOB}/password`, { password: NEW_PASSWORD })).toBe(204);

    await nextClickAsksForCredentials('cae-password');
    await fillEmulatorLogin(page, BOB);
    await expectText(page.locator('#passwordError'), 'AADSTS50126');
    await screenshot(page, 'cae-password-03-old-password-refused');
    await fillEmulatorLogin(page, BOB, NEW_PASSWORD);
    await page.waitForURL(`${chain.webUrl}/subscriptions`);
    expect(await listed()).toEqual(seededNames(BOB));
    await screenshot(page, 'cae-password-04-subscriptions-again');
  });

  it('dave: disabled → a clear error page, no loop; enabled again → signs in and is served', async () => {
    await signInAndList(DAVE, 'cae-disabled');
    await expectText(page.locator('main'), 'You have no Azure subscriptions');
    expect(await control(`users/${DAVE}/disable`)).toBe(204);

    for (const attempt of [1, 2]) {
      await clickSubscriptions();
      await page.waitForURL(`${chain.webUrl}/subscriptions`);
      await expectText(page.locator('main [role="alert"]'), 'user_access_denied');
      await screenshot(page, `cae-disabled-0${attempt + 1}-error-panel`);
    }

    expect(await control(`users/${DAVE}/enable`)).toBe(204);
    await Promise.all([page.waitForURL(`${chain.emulator.url}/**`), clickSubscriptions()]);
    await page.locator('input[name="passwd"]').waitFor();
    await screenshot(page, 'cae-disabled-04-login-again');
    await fillEmulatorLogin(page, DAVE);
    await page.waitForURL(`${chain.webUrl}/subscriptions`);
    await expectText(page.locator('main'), 'You have no Azure subscriptions');
    await screenshot(page, 'cae-disabled-05-served-again');
  });
});
