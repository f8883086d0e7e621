import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { startEmulator, type RunningEmulator } from '@obo/entra-emulator';
import { freePort, spawnNode, waitForOk, type Spawned } from './processes';
import { seedFileFor, workspaceRoot } from './seed';

export interface RunningChain {
  emulator: RunningEmulator;
  /** The web app as the browser sees it: `http://localhost:{port}`. */
  webUrl: string;
  apiUrl: string;
  /** Stops the web app, the API and the emulator; safe to call twice. */
  stop(): Promise<void>;
}

/** Only what the apps need: a developer's AZURE_* or .env must not leak into the test. */
function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  return { PATH, HOME, TMPDIR, LANG, LOG_LEVEL: 'warn', FORCE_COLOR: '0' };
}

/**
 * The whole chain for a browser test: the emulator in-process (free port, temp data folder,
 * the default seed with the web app's redirect URIs on the chosen port), and the API and the
 * web app as child processes from their built bundles (apps/api/dist, apps/web/dist), each in
 * an empty working folder so no `.env` is read.
 */
export async function startChain(): Promise<RunningChain> {
  const webPort = await freePort();
  const apiPort = await freePort();
  const webUrl = `http://localhost:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'obo-e2e-emulator-'));
  const cwd = mkdtempSync(join(tmpdir(), 'obo-e2e-cwd-'));
  const seedPath = seedFileFor(webUrl, EMULATOR_DEFAULTS.web.clientId);
  const children: Spawned[] = [];
  let emulator: RunningEmulator | undefined;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.reverse().map((c) => c.stop()));
    await emulator?.stop();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dirname(seedPath), { recursive: true, force: true });
  };

  try {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      seed: seedPath,
      logger: false,
    });
    const identityEnv = {
      AZURE_AUTHORITY_HOST: emulator.url,
      EXTRA_CA_CERTS: emulator.caCertPath,
    };

    const api = spawnNode([join(workspaceRoot, 'apps/api/dist/main.js')], {
      cwd,
      env: { ...baseEnv(), ...identityEnv, PORT: String(apiPort), HOST: '127.0.0.1' },
    });
    children.push(api);
    const web = spawnNode([join(workspaceRoot, 'apps/web/dist/main.js')], {
      cwd,
      env: {
        ...baseEnv(),
        ...identityEnv,
        PORT: String(webPort),
        HOST: '127.0.0.1',
        PUBLIC_URL: webUrl,
        API_BASE_URL: apiUrl,
      },
    });
    children.push(web);
    await Promise.all([
      waitForOk(`${apiUrl}/readyz`, api),
      waitForOk(`http://127.0.0.1:${webPort}/readyz`, web),
    ]);
    return { emulator, webUrl, apiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
