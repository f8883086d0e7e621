import type { BrowserContext, Page } from 'playwright-core';
import { expectText, newContext, screenshot } from '../test/browser';
import { profileEnv } from '../test/chain';
import { defaultSeed } from '../test/seed';
import { startInProduction, type ProductionChain } from './test/production';

const WEB = 'http://localhost:3000';
const PASSWORD = 'Passw0rd!';
const seed = defaultSeed();

/**
 * The b2c and ciam profiles as production runs them — the tenant's real host names
 * (`{name}.b2clogin.com`, `{name}.ciamlogin.com`), ARM at management.azure.com — against the
 * emulator the namespace routes those names to. Each profile: a seeded customer signs in,
 * the API's On-Behalf-Of answer shows on /subscriptions, and sign-out goes through the
 * tenant's host.
 */
describe.each([
  {
    profile: 'b2c' as const,
    host: `https://${seed.b2c?.tenantName}.b2clogin.com`,
    user: seed.b2c?.users[0],
    // B2C has no On-Behalf-Of: the API shows B2C's own refusal.
    subscriptions: 'AADB2C90086',
  },
  {
    profile: 'ciam' as const,
    host: `https://${seed.ciam?.tenantName}.ciamlogin.com`,
    user: seed.ciam?.users[0],
    // On-Behalf-Of in the external tenant reaches management.azure.com: its users own nothing.
    subscriptions: 'You have no Azure subscriptions',
  },
])('the $profile profile in Chromium, against $host', ({ profile, host, user, subscriptions }) => {
  let chain: ProductionChain;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    chain = await startInProduction(profileEnv(profile));
    context = await newContext(chain.browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await chain?.stop();
  });

  it('signs a seeded customer in on the tenant’s host, shows the OBO answer, signs out there', async () => {
    if (!user) throw new Error(`the default seed has no ${profile} user`);
    await page.goto(`${WEB}/`);
    await Promise.all([
      page.waitForURL(`${host}/**`),
      page.locator('header .account a', { hasText: 'Sign in' }).click(),
    ]);
    await screenshot(page, `${profile}-host-01-sign-in`);
    await page.locator('input[name="login"]').fill(user.email);
    await page.locator('input[name="passwd"]').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${WEB}/`), page.locator('#next').click()]);
    await expectText(page.locator('header .account'), user.displayName);

    await page.goto(`${WEB}/subscriptions`);
    await expectText(page.locator('main'), subscriptions);
    await screenshot(page, `${profile}-host-02-subscriptions`);

    const visited: string[] = [];
    page.on('request', (r) => visited.push(new URL(r.url()).origin));
    await Promise.all([
      page.waitForURL(`${WEB}/`),
      page.locator('header .account button', { hasText: 'Sign out' }).click(),
    ]);
    expect(visited).toContain(host);
    await expectText(page.locator('main'), 'You are not signed in');
  });
});
