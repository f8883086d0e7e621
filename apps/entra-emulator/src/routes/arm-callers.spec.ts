import request from 'supertest';
import defaultSeed from '../../seed/default.json';
import { createEmulatorApp } from '../app';
import { AZURE_CLI_CLIENT_ID } from '../seed/first-party';
import { loadSeed } from '../seed/load';
import { API, BOB, DAEMON, PASSWORD, TENANT } from '../../test/helpers';

/**
 * Who ARM answers besides a user with subscriptions: `GET /tenants` (what `az login` reads
 * first), and app-only callers, which ARM authorizes by role assignments — their tokens carry
 * no roles — and which see the subscriptions their service principal holds a role on.
 */
describe('ARM: tenants and app-only callers', () => {
  const { app } = createEmulatorApp();
  const token = async (form: Record<string, string>) =>
    (await request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(form)).body
      .access_token as string;
  const appToken = (client: { clientId: string; clientSecret: string }) =>
    token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: 'https://management.azure.com/.default',
    });
  const arm = (path: string, bearer: string) =>
    request(app).get(`/arm${path}`).set('Authorization', `Bearer ${bearer}`);
  const daemonSubscriptions = defaultSeed.apps.find(
    (a) => a.clientId === DAEMON.clientId,
  )?.subscriptions;

  it('GET /tenants: the caller’s tenant, in ARM’s shape', async () => {
    const user = await token({
      grant_type: 'password',
      client_id: AZURE_CLI_CLIENT_ID,
      username: BOB,
      password: PASSWORD,
      scope: 'https://management.core.windows.net//.default',
    });
    for (const bearer of [user, await appToken(DAEMON)]) {
      const res = await arm('/tenants?api-version=2022-12-01', bearer);
      expect(res.status).toBe(200);
      expect(res.body.value).toEqual([
        expect.objectContaining({
          id: `/tenants/${TENANT}`,
          tenantId: TENANT,
          tenantCategory: 'Home',
          defaultDomain: 'obodev.onmicrosoft.com',
          tenantType: 'AAD',
        }),
      ]);
    }
  });

  it('GET /tenants needs a token and an api-version, as every ARM call', async () => {
    expect((await request(app).get('/arm/tenants?api-version=2022-12-01')).status).toBe(401);
    const res = await arm('/tenants', await appToken(DAEMON));
    expect([res.status, res.body.error.code]).toEqual([400, 'MissingApiVersionParameter']);
  });

  it('an app token without roles lists the subscriptions its service principal holds a role on', async () => {
    const bearer = await appToken(DAEMON);
    const res = await arm('/subscriptions?api-version=2022-12-01', bearer);
    expect(res.status).toBe(200);
    expect(res.body.value.map((s: { subscriptionId: string }) => s.subscriptionId).sort()).toEqual(
      [...(daemonSubscriptions ?? [])].sort(),
    );
    expect(daemonSubscriptions?.length).toBeGreaterThan(0);
  });

  it('an app without role assignments sees no subscription', async () => {
    const res = await arm('/subscriptions?api-version=2022-12-01', await appToken(API));
    expect([res.status, res.body.value]).toEqual([200, []]);
  });

  it('the seed refuses a role on a subscription nobody has', () => {
    const bad = structuredClone(defaultSeed) as { apps: { subscriptions?: string[] }[] };
    bad.apps[0].subscriptions = ['00000000-0000-4000-8000-00000000dead'];
    expect(() => loadSeed(bad as never)).toThrow(
      /apps\[0\]\.subscriptions\[0\]: unknown subscription 00000000-0000-4000-8000-00000000dead/,
    );
  });
});
