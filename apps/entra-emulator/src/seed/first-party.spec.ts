import request from 'supertest';
import defaultSeed from '../../seed/default.json';
import { createEmulatorApp } from '../app';
import { BOB, claimsOf, PASSWORD, TENANT } from '../../test/helpers';
import { AZURE_CLI_CLIENT_ID, AZURE_POWERSHELL_CLIENT_ID } from './first-party';
import { loadSeed } from './load';

/**
 * Microsoft's first-party public clients (the Azure CLI, Azure PowerShell) exist in every
 * tenant, as in Entra: a user signs in as them without any registration, secret or consent
 * for ARM (what `az login` does), and they are service principals, not the tenant's apps.
 */
describe('first-party public clients', () => {
  const { app } = createEmulatorApp();
  const signIn = (clientId: string, scope: string) =>
    request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send({
      grant_type: 'password',
      client_id: clientId,
      username: BOB,
      password: PASSWORD,
      scope,
    });

  it.each([
    ['Azure CLI', AZURE_CLI_CLIENT_ID],
    ['Azure PowerShell', AZURE_POWERSHELL_CLIENT_ID],
  ])('%s signs a user in for ARM without a secret or consent', async (_name, clientId) => {
    const res = await signIn(clientId, 'https://management.core.windows.net//.default openid');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe(
      'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default',
    );
    expect(claimsOf(res.body.access_token)).toMatchObject({ appid: clientId, appidacr: '0' });
  });

  it('is pre-authorized for ARM and Graph only: another API needs consent (AADSTS65001)', async () => {
    const res = await signIn(
      AZURE_CLI_CLIENT_ID,
      'api://0b0e0000-0000-4000-8000-000000000201/.default',
    );
    expect([res.status, res.body.error_codes]).toEqual([400, [65001]]);
  });

  it('is added to every seed that does not define it, and a seed’s own definition wins', () => {
    const seed = structuredClone(defaultSeed) as {
      apps: { clientId: string; displayName: string }[];
    };
    seed.apps.push({ ...seed.apps[0], clientId: AZURE_CLI_CLIENT_ID, displayName: 'My own CLI' });
    const loaded = loadSeed(seed as never);
    const cli = loaded.apps.filter((a) => a.clientId === AZURE_CLI_CLIENT_ID);
    expect(cli.map((a) => a.displayName)).toEqual(['My own CLI']);
    expect(loaded.apps.some((a) => a.clientId === AZURE_POWERSHELL_CLIENT_ID)).toBe(true);
  });

  it('is no application object of the tenant in Graph', async () => {
    const token = (
      await request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send({
        grant_type: 'password',
        client_id: AZURE_CLI_CLIENT_ID,
        username: 'admin@obodev.onmicrosoft.com',
        password: PASSWORD,
        scope: 'https://graph.microsoft.com/User.Read',
      })
    ).body.access_token;
    const res = await request(app)
      .get('/graph/v1.0/applications')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const ids = res.body.value.map((a: { appId: string }) => a.appId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(AZURE_CLI_CLIENT_ID);
  });
});
