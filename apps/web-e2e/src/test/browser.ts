import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { workspaceRoot } from './seed';

/** Where every step's full-page screenshot goes (gitignored). */
export const ARTIFACTS = join(workspaceRoot, 'test-artifacts', 'e2e');

/** Debian's Chromium (`chromium` on PATH, or CHROMIUM_PATH); never a downloaded browser. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A fresh browser profile (cookies) that accepts the emulator's locally issued certificate. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  // Fail a step fast (and inside Jest's own timeout) instead of hanging the suite.
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/** Saves a full-page PNG named after the step, e.g. `alice-03-signed-in.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fills the emulator's login form (fields `login`, `passwd`) and submits it. */
export async function fillEmulatorLogin(
  page: Page,
  username: string,
  password: string = EMULATOR_DEFAULTS.devPassword,
): Promise<void> {
  await page.locator('input[name="login"]').fill(username);
  await page.locator('input[name="passwd"]').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('#idSIButton9').click()]);
}

/** The first match's text contains `text`. */
export async function expectText(
  locator: ReturnType<Page['locator']>,
  text: string,
): Promise<void> {
  expect(await locator.first().textContent()).toContain(text);
}
