import type { Browser } from 'playwright-core';
import { startApps, type RunningApps } from '../../test/apps';
import { launchChromium } from '../../test/browser';
import { emulatorAsMicrosoft, type EmulatorAsMicrosoft } from './namespace';

/** Our API and web app as production runs them, and a browser to drive the web app. */
export interface ProductionChain {
  emulator: EmulatorAsMicrosoft;
  apps: RunningApps;
  browser: Browser;
  /** Closes the browser and stops the apps. */
  stop(): Promise<void>;
}

/**
 * The API (port 4000) and the web app (port 3000) — their defaults, which the seed's redirect
 * URIs name — with `env` (their production settings) and the emulator's CA as the only extra
 * trust, and Chromium. Inside `npm run with-emulator`, where Microsoft's names are the emulator.
 */
export async function startInProduction(env: {
  api: NodeJS.ProcessEnv;
  web: NodeJS.ProcessEnv;
}): Promise<ProductionChain> {
  const emulator = await emulatorAsMicrosoft();
  const trust = { NODE_EXTRA_CA_CERTS: emulator.caPath };
  const [apps, browser] = await Promise.all([
    startApps({
      api: { port: 4000, env: { ...env.api, ...trust } },
      web: { port: 3000, env: { ...env.web, ...trust } },
    }),
    launchChromium(),
  ]);
  return {
    emulator,
    apps,
    browser,
    stop: async () => {
      await browser.close();
      await apps.stop();
    },
  };
}
