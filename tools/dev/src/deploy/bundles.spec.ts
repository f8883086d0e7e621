import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  freePort,
  get,
  startBundle,
  stopAllBundles,
  waitFor200,
  type BundleProcess,
} from './test/bundles';

/**
 * What each container runs: `node apps/<app>/dist/main.js` with configuration only through
 * the environment. Each bundle must start without the workspace's sources or dev tooling,
 * answer `/healthz`, and leave promptly with code 0 on SIGTERM (what `docker stop` and
 * Kubernetes send). The nx `test` target of @obo/dev depends on the three builds.
 */
jest.setTimeout(60_000);

describe('app bundles under plain node', () => {
  const work = mkdtempSync(join(tmpdir(), 'obo-bundles-'));
  const dataDir = join(work, 'emulator');
  // As in docker-compose.yml: the apps trust the CA the emulator exports, not its data folder.
  const caPath = join(work, 'emulator-ca', 'ca.pem');
  const urls: Record<string, string> = {};
  const bundles: Record<string, BundleProcess> = {};

  beforeAll(async () => {
    const [emulatorPort, apiPort, webPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    const common = { LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
    urls.emulator = `https://localhost:${emulatorPort}`;
    bundles.emulator = startBundle(
      'entra-emulator',
      {
        ...common,
        PORT: String(emulatorPort),
        EMULATOR_DATA_DIR: dataDir,
        EMULATOR_CA_EXPORT: caPath,
      },
      work,
    );
    await waitFor200(`https://127.0.0.1:${emulatorPort}/healthz`, bundles.emulator, {
      ca: () => (existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined),
    });
    const appEnv = { ...common, AZURE_AUTHORITY_HOST: urls.emulator, EXTRA_CA_CERTS: caPath };
    urls.api = `http://127.0.0.1:${apiPort}`;
    urls.web = `http://127.0.0.1:${webPort}`;
    bundles.api = startBundle('api', { ...appEnv, PORT: String(apiPort) }, work);
    bundles.web = startBundle(
      'web',
      { ...appEnv, PORT: String(webPort), API_BASE_URL: urls.api, PUBLIC_URL: urls.web },
      work,
    );
    await Promise.all([
      waitFor200(`${urls.api}/healthz`, bundles.api),
      waitFor200(`${urls.web}/healthz`, bundles.web),
    ]);
  });

  afterAll(async () => {
    await stopAllBundles();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(['api', 'web'])(
    'the %s bundle serves /healthz and is ready against the emulator',
    async (app) => {
      expect((await get(`${urls[app]}/healthz`)).status).toBe(200);
      await waitFor200(`${urls[app]}/readyz`, bundles[app]);
    },
  );

  it('the emulator bundle exports its CA certificate alone, the one in its data folder', () => {
    expect(readdirSync(dirname(caPath))).toEqual(['ca.pem']);
    expect(readFileSync(caPath, 'utf8')).toBe(readFileSync(join(dataDir, 'ca.pem'), 'utf8'));
  });

  it('the emulator bundle serves /healthz and its discovery document over HTTPS', async () => {
    const ca = readFileSync(caPath, 'utf8');
    const port = new URL(urls.emulator).port;
    expect((await get(`https://127.0.0.1:${port}/healthz`, { ca })).status).toBe(200);
    const home = JSON.parse((await get(`https://127.0.0.1:${port}/`, { ca })).body) as {
      authority: string;
    };
    expect(home.authority.startsWith(urls.emulator)).toBe(true);
  });

  // Web and API first (they drain towards the emulator), the emulator last.
  it.each(['web', 'api', 'emulator'])('the %s bundle exits 0 promptly on SIGTERM', async (app) => {
    const exit = await bundles[app].stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5000);
  });
});
