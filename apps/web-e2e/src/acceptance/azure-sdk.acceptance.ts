import {
  ClientSecretCredential,
  DefaultAzureCredential,
  UsernamePasswordCredential,
  type TokenCredential,
} from '@azure/identity';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { defaultSeed, seededSubscriptions } from '../test/seed';
import { claimsOf, emulatorAsMicrosoft } from './test/namespace';

const { tenantId } = EMULATOR_DEFAULTS;
/** The Azure CLI's first-party public client, which the SDK's developer credentials use too. */
const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const daemon = defaultSeed().apps.find(
  (a) => a.clientId === '0b0e0000-0000-4000-8000-000000000301',
);
const BOB = 'bob@obodev.onmicrosoft.com';

/** Every subscription `SubscriptionClient.subscriptions.list()` yields (all pages). */
async function listSubscriptions(credential: TokenCredential): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of new SubscriptionClient(credential).subscriptions.list()) {
    ids.push(String(s.subscriptionId));
  }
  return ids.sort();
}

/**
 * The Azure SDK for JavaScript with default options — `@azure/identity` credentials and the
 * ARM subscriptions client, no authority host, no instance-discovery switch, no endpoint — in
 * this process, whose only extra trust is the emulator's CA (NODE_EXTRA_CA_CERTS, set by
 * `npm run with-emulator`). The real host names lead to the emulator through the namespace.
 */
describe('Azure SDK for JavaScript with default options', () => {
  beforeAll(async () => {
    await emulatorAsMicrosoft();
  });

  it('ClientSecretCredential: the service principal’s subscriptions', async () => {
    if (!daemon?.subscriptions)
      throw new Error('the default seed gives the daemon no subscriptions');
    const credential = new ClientSecretCredential(
      tenantId,
      daemon.clientId,
      daemon.secrets?.[0] ?? '',
    );
    expect(await listSubscriptions(credential)).toEqual([...daemon.subscriptions].sort());
    const token = await credential.getToken('https://management.azure.com/.default');
    expect(claimsOf(token.token)).toMatchObject({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${tenantId}/`,
      appid: daemon.clientId,
      idtyp: 'app',
    });
  });

  it('UsernamePasswordCredential as the Azure CLI client: all of bob’s pages', async () => {
    const credential = new UsernamePasswordCredential(
      tenantId,
      AZURE_CLI,
      BOB,
      EMULATOR_DEFAULTS.devPassword,
    );
    const seeded = seededSubscriptions(BOB).map((s) => s.subscriptionId);
    expect(seeded.length).toBeGreaterThan(5);
    expect(await listSubscriptions(credential)).toEqual(seeded.sort());
  });

  it('DefaultAzureCredential from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET', async () => {
    if (!daemon?.subscriptions)
      throw new Error('the default seed gives the daemon no subscriptions');
    const saved = { ...process.env };
    Object.assign(process.env, {
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: daemon.clientId,
      AZURE_CLIENT_SECRET: daemon.secrets?.[0] ?? '',
    });
    try {
      expect(await listSubscriptions(new DefaultAzureCredential())).toEqual(
        [...daemon.subscriptions].sort(),
      );
    } finally {
      for (const name of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
