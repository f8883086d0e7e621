import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApps, type RunningApps } from '../test/apps';
import { expectText, launchChromium, newContext, screenshot } from '../test/browser';
import { customerApps } from '../test/chain';
import { defaultSeed } from '../test/seed';
import { emulatorAsMicrosoft, type EmulatorAsMicrosoft } from './test/namespace';

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
    profile: 'b2c',
    host: `https://${seed.b2c?.tenantName}.b2clogin.com`,
    env: () => {
      const c = customerApps(seed.b2c);
      const common = { B2C_TENANT_NAME: c.tenant.tenantName, SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi' };
      return {
        api: {
          ...common,
          ...c.api,
          ALLOWED_TENANTS: c.tenant.tenantId,
          REQUIRED_SCOPE: c.scopeValue,
        },
        web: { ...common, ...c.web, API_SCOPES: c.scope },
      };
    },
    user: seed.b2c?.users[0],
    // B2C has no On-Behalf-Of: the API shows B2C's own refusal.
    subscriptions: 'AADB2C90086',
  },
  {
    profile: 'ciam',
    host: `https://${seed.ciam?.tenantName}.ciamlogin.com`,
    env: () => {
      const c = customerApps(seed.ciam);
      // The tenant named by its id: Entra's External ID documents name the issuer
      // https://{tid}.ciamlogin.com/{tid}/v2.0 whatever the authority said, and MSAL Node accepts
      // that for an authority naming the tenant id (for a domain, only with knownAuthorities
      // listing the id's host — which the production configuration does not set).
      const AUTHORITY = `https://${c.tenant.tenantName}.ciamlogin.com/${c.tenant.tenantId}`;
      return {
        api: { AUTHORITY, ...c.api, ALLOWED_TENANTS: c.tenant.tenantId },
        web: { AUTHORITY, ...c.web, API_SCOPES: c.scope },
      };
    },
    user: seed.ciam?.users[0],
    // On-Behalf-Of in the external tenant reaches management.azure.com: its users own nothing.
    subscriptions: 'You have no Azure subscriptions',
  },
])(
  'the $profile profile in Chromium, against $host',
  ({ profile, host, env, user, subscriptions }) => {
    let emulator: EmulatorAsMicrosoft;
    let apps: RunningApps;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      emulator = await emulatorAsMicrosoft();
      const trust = { NODE_EXTRA_CA_CERTS: emulator.caPath };
      const { api, web } = env();
      [apps, browser] = await Promise.all([
        startApps({
          api: { port: 4000, env: { ...api, ...trust } },
          web: { port: 3000, env: { ...web, ...trust } },
        }),
        launchChromium(),
      ]);
      context = await newContext(browser);
      page = await context.newPage();
    });
    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await apps?.stop();
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
  },
);
