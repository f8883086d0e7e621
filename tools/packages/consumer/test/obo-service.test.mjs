// The TypeScript service's own integration test (its build, `build/obo-service.js`): real user
// tokens from the emulator's token endpoint, a real On-Behalf-Of exchange, faults injected.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '@obo/entra-emulator';
import { createService } from '../build/obo-service.js';
import { API, LEE, MEGAN, WEB, fabrikam, listen } from '../seed.mjs';

describe('TypeScript service exchanging tokens On-Behalf-Of', () => {
  let emulator;
  let service;
  let server;

  const userToken = (username) =>
    emulator.userToken({
      username,
      clientId: WEB.clientId,
      clientSecret: WEB.secret,
      scopes: [`api://${API.clientId}/access_as_user`],
    });
  const subscriptions = (token) =>
    fetch(`${server.url}/subscriptions`, { headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    emulator = await startEmulator({ seed: fabrikam() });
    service = createService({
      AZURE_AUTHORITY_HOST: emulator.url,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: API.clientId,
      AZURE_CLIENT_SECRET: API.secret,
      IDENTITY_PROFILE: 'emulator',
      EXTRA_CA_CERTS: emulator.caCertPath,
      LOG_LEVEL: 'silent',
    });
    server = await listen(service.app);
  });
  after(async () => {
    await server?.close();
    service?.close();
    await emulator?.stop();
  });

  it("lists the user's subscriptions through one OBO exchange, then from the cache", async () => {
    const token = await userToken(MEGAN);
    await emulator.resetCounters();
    const first = await subscriptions(token);
    assert.equal(first.status, 200);
    const body = await first.json();
    assert.equal(body.tokenSource, 'network');
    assert.deepEqual(body.value.map((s) => s.displayName).sort(), [
      'Fabrikam Development',
      'Fabrikam Production',
    ]);
    const second = await (await subscriptions(token)).json();
    assert.equal(second.tokenSource, 'l1');
    assert.equal((await emulator.counters()).token.on_behalf_of, 1);
  });

  it('an unavailable token endpoint (injected 503) is 503 token_endpoint_unavailable', async () => {
    const token = await userToken(MEGAN); // a new assertion: not in the cache
    await emulator.addFault({ endpoint: 'token', grantType: 'on_behalf_of', status: 503 });
    try {
      const res = await subscriptions(token);
      assert.equal(res.status, 503);
      assert.equal((await res.json()).error, 'token_endpoint_unavailable');
    } finally {
      await emulator.clearFaults();
    }
  });

  it('Conditional Access (MFA for Lee on Azure) is 403 interaction_required', async () => {
    const res = await subscriptions(await userToken(LEE));
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, 'interaction_required');
  });

  it('a token minted for another audience is refused before any exchange (401)', async () => {
    await emulator.resetCounters();
    const token = await emulator.mintToken({ aud: WEB.clientId, scp: 'access_as_user' });
    const res = await subscriptions(token);
    assert.equal(res.status, 401);
    assert.equal((await emulator.counters()).token.on_behalf_of, 0);
  });
});
