import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { defaultSeed, seededSubscriptions } from '../test/seed';
import { claimsOf, emulatorAsMicrosoft, type EmulatorAsMicrosoft } from './test/namespace';

/** The Azure CLI's application id: the public client its user sign-in uses. */
const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const { tenantId } = EMULATOR_DEFAULTS;
const daemon = defaultSeed().apps.find(
  (a) => a.clientId === '0b0e0000-0000-4000-8000-000000000301',
);

if (spawnSync('az', ['version'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('the Azure CLI is required: apt-get install azure-cli (.ci/run installs it)');
}

interface AzAccount {
  id: string;
  name: string;
  tenantId: string;
  user: { name: string; type: string };
}

/**
 * Debian's Azure CLI (2.45), unmodified, against Microsoft's host names — which the namespace
 * routes to the emulator — trusting nothing but the emulator's CA (REQUESTS_CA_BUNDLE). Each
 * test has a configuration folder of its own.
 */
describe('Azure CLI (Debian azure-cli) against login.microsoftonline.com and management.azure.com', () => {
  let emulator: EmulatorAsMicrosoft;
  let home: string;

  beforeAll(async () => {
    emulator = await emulatorAsMicrosoft();
  });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'az-acceptance-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function az(...args: string[]): Promise<unknown> {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      AZURE_CONFIG_DIR: join(home, '.azure'),
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      AZURE_CORE_NO_COLOR: 'true',
      REQUESTS_CA_BUNDLE: emulator.caPath,
    };
    return new Promise((resolve, reject) =>
      execFile(
        'az',
        [...args, '--output', 'json'],
        { env, timeout: 90_000 },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`az ${args[0]} ${args[1] ?? ''} failed: ${stderr.slice(-3000)}`))
            : resolve(JSON.parse(stdout)),
      ),
    );
  }

  it('signs a service principal in with its secret; az account list shows its subscriptions', async () => {
    if (!daemon?.subscriptions)
      throw new Error('the default seed gives the daemon no subscriptions');
    const login = (await az(
      'login',
      '--service-principal',
      '--username',
      daemon.clientId,
      '--password',
      daemon.secrets?.[0] ?? '',
      '--tenant',
      tenantId,
    )) as AzAccount[];
    expect(login.map((a) => a.id).sort()).toEqual([...daemon.subscriptions].sort());
    expect(login.every((a) => a.user.type === 'servicePrincipal' && a.tenantId === tenantId)).toBe(
      true,
    );

    const accounts = (await az('account', 'list')) as AzAccount[];
    expect(accounts.map((a) => a.id).sort()).toEqual([...daemon.subscriptions].sort());
  });

  it('signs bob in as the Azure CLI (username/password); az account list shows all his subscriptions', async () => {
    const bob = 'bob@obodev.onmicrosoft.com';
    await az('login', '--username', bob, '--password', EMULATOR_DEFAULTS.devPassword);
    const accounts = (await az('account', 'list')) as AzAccount[];
    const seeded = seededSubscriptions(bob);
    expect(seeded.length).toBeGreaterThan(5); // more than one ARM page
    expect(accounts.map((a) => a.name).sort()).toEqual(seeded.map((s) => s.displayName).sort());
    expect(accounts.every((a) => a.user.name === bob && a.user.type === 'user')).toBe(true);

    // The CLI's ARM token: issued to Microsoft's first-party client by the tenant, for ARM.
    const { accessToken } = (await az('account', 'get-access-token')) as { accessToken: string };
    expect(claimsOf(accessToken)).toMatchObject({
      appid: AZURE_CLI,
      aud: 'https://management.core.windows.net/',
      iss: `https://sts.windows.net/${tenantId}/`,
      tid: tenantId,
      upn: bob,
    });
  });
});
