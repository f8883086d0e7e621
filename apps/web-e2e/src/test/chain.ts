import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { startEmulator, type RunningEmulator } from '@obo/entra-emulator';
import { freePort } from '@obo/testing';
import type { Browser } from 'playwright-core';
import { startApps, type RunningApps } from './apps';
import { launchChromium } from './browser';
import { defaultSeed, seedFileFor, type SeedCustomerJson } from './seed';

export interface RunningChain {
  emulator: RunningEmulator;
  /** The web app as the browser sees it: `http://localhost:{port}`. */
  webUrl: string;
  apiUrl: string;
  /** Stops the web app, the API and the emulator; safe to call twice. */
  stop(): Promise<void>;
}

/** The identity profile the API and the web app run in. */
export type ChainProfile = 'emulator' | 'b2c' | 'ciam';

/** The customer tenant's web app (it has redirect URIs) and API (it exposes scopes). */
function customerApps(tenant: SeedCustomerJson | undefined) {
  const web = tenant?.apps.find((a) => a.redirectUris?.length);
  const api = tenant?.apps.find((a) => a.identifierUri && a.scopes?.length);
  if (!tenant || !web || !api) throw new Error('the default seed lacks a customer tenant');
  const credentials = (app: typeof web) => ({
    AZURE_CLIENT_ID: app.clientId,
    AZURE_CLIENT_SECRET: app.secrets?.[0] ?? '',
  });
  return {
    tenant,
    web: credentials(web),
    api: credentials(api),
    scope: `${api.identifierUri}/${api.scopes?.[0]}`,
    scopeValue: api.scopes?.[0] ?? '',
  };
}

/**
 * What each app needs besides the CA, per profile: against the emulator's own origin
 * (`emulatorUrl`: B2C_HOST, the authority and ARM there), or without it, as production sets
 * them — the tenants' real hosts (`{name}.b2clogin.com`, `{name}.ciamlogin.com/{tenant id}`)
 * and ARM's default, which transparent mode answers.
 */
export function profileEnv(profile: ChainProfile, emulatorUrl?: string) {
  const seed = defaultSeed();
  if (profile === 'b2c') {
    const c = customerApps(seed.b2c);
    const common = {
      B2C_TENANT_NAME: c.tenant.tenantName,
      ...(emulatorUrl ? { B2C_HOST: emulatorUrl } : {}),
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
    };
    return {
      api: {
        ...common,
        ...c.api,
        ALLOWED_TENANTS: c.tenant.tenantId,
        REQUIRED_SCOPE: c.scopeValue,
      },
      web: {
        ...common,
        ...c.web,
        EDITPROFILE_USER_FLOW: 'B2C_1_edit',
        RESETPASSWORD_USER_FLOW: 'B2C_1_reset',
        API_SCOPES: c.scope,
      },
    };
  }
  if (profile === 'ciam') {
    const c = customerApps(seed.ciam);
    // On the real host the tenant is named by its id: External ID's issuer names the id
    // (https://{tid}.ciamlogin.com/{tid}/v2.0), which MSAL Node accepts only for such an authority.
    const AUTHORITY = emulatorUrl
      ? `${emulatorUrl}/${c.tenant.tenantName}.onmicrosoft.com`
      : `https://${c.tenant.tenantName}.ciamlogin.com/${c.tenant.tenantId}`;
    return {
      api: {
        AUTHORITY,
        ...c.api,
        ALLOWED_TENANTS: c.tenant.tenantId,
        ...(emulatorUrl ? { ARM_ENDPOINT: `${emulatorUrl}/arm` } : {}),
      },
      web: { AUTHORITY, ...c.web, API_SCOPES: c.scope },
    };
  }
  return { api: {}, web: {} };
}

/**
 * The whole chain for a browser test: the emulator in-process (free port, temp data folder,
 * the default seed with the web apps' redirect URIs on the chosen port), and the API and the
 * web app as child processes from their built bundles (apps/api/dist, apps/web/dist), each in
 * an empty working folder so no `.env` is read. `profile` picks the workforce tenant (default)
 * or the emulator's B2C or External ID tenant for both apps.
 */
export async function startChain(profile: ChainProfile = 'emulator'): Promise<RunningChain> {
  // Every port chosen up front from one freePort (never the same twice), the emulator's too:
  // an emulator on port 0 could be given the web app's port before the web app binds it.
  const emulatorPort = await freePort();
  const webPort = await freePort();
  const apiPort = await freePort();
  const webUrl = `http://localhost:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'obo-e2e-emulator-'));
  const seedPath = seedFileFor(webUrl, EMULATOR_DEFAULTS.web.clientId);
  let emulator: RunningEmulator | undefined;
  let apps: RunningApps | undefined;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await apps?.stop();
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dirname(seedPath), { recursive: true, force: true });
  };

  try {
    emulator = await startEmulator({
      port: emulatorPort,
      host: '127.0.0.1',
      dataDir,
      seed: seedPath,
      logger: false,
    });
    const identityEnv = {
      AZURE_AUTHORITY_HOST: emulator.url,
      EXTRA_CA_CERTS: emulator.caCertPath,
    };
    const perApp = profileEnv(profile, emulator.url);
    apps = await startApps({
      api: {
        port: apiPort,
        env: { ...identityEnv, ...perApp.api, PORT: String(apiPort), HOST: '127.0.0.1' },
      },
      web: {
        port: webPort,
        env: {
          ...identityEnv,
          ...perApp.web,
          PORT: String(webPort),
          HOST: '127.0.0.1',
          PUBLIC_URL: webUrl,
          API_BASE_URL: apiUrl,
        },
      },
    });
    return { emulator, webUrl, apiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The chain and Chromium, started side by side. Unlike `Promise.all`, it waits for both: when
 * one fails, the other is stopped before the error is thrown (a Chromium or an emulator left
 * running keeps Jest from exiting, and CI waits for it).
 */
export async function startChainAndBrowser(
  profile: ChainProfile = 'emulator',
): Promise<[RunningChain, Browser]> {
  const [chain, browser] = await Promise.allSettled([startChain(profile), launchChromium()]);
  if (chain.status === 'fulfilled' && browser.status === 'fulfilled') {
    return [chain.value, browser.value];
  }
  if (chain.status === 'fulfilled') await chain.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw chain.status === 'rejected' ? chain.reason : (browser as PromiseRejectedResult).reason;
}
