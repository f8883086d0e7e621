// The JavaScript API's own integration test: the emulator as a fixture mints user tokens,
// injects a JWKS outage, and the API must answer as RFC 6750 says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { startEmulator } from '@obo/entra-emulator';
import { API, MEGAN, WEB, fabrikam, listen } from '../seed.mjs';

const { createApi } = createRequire(import.meta.url)('../api.cjs');

describe('JavaScript API protected by @obo/token-validation', () => {
  let emulator;
  let api;
  let megan;

  const startApi = async () =>
    listen(
      createApi({
        authorityHost: emulator.url,
        tenantId: emulator.tenantId,
        clientId: API.clientId,
        ca: emulator.caCert,
      }).app,
    );
  const userClaims = (scp) => ({
    aud: API.clientId,
    azp: WEB.clientId,
    oid: megan.id,
    sub: megan.id,
    name: megan.displayName,
    preferred_username: megan.userPrincipalName,
    scp,
  });
  const get = (base, path, token) =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    emulator = await startEmulator({ seed: fabrikam() });
    megan = emulator.seed.users.find((u) => u.userPrincipalName === MEGAN);
    api = await startApi();
  });
  after(async () => {
    await api?.close();
    await emulator?.stop();
  });

  for (const path of ['/me', '/passport/me']) {
    it(`${path}: a user token with the scope passes`, async () => {
      const res = await get(api.url, path, await emulator.mintToken(userClaims('access_as_user')));
      assert.equal(res.status, 200);
      assert.equal((await res.json()).name, 'Megan Bowen');
    });

    it(`${path}: no token is 401 with a Bearer challenge`, async () => {
      const res = await get(api.url, path);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate'), /^Bearer realm="api"/);
    });

    it(`${path}: a token signed outside the JWKS is 401 invalid_token`, async () => {
      const token = await emulator.mintToken(userClaims('access_as_user'), { untrustedKey: true });
      const res = await get(api.url, path, token);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
    });

    it(`${path}: a token without the scope is 403 insufficient_scope`, async () => {
      const res = await get(api.url, path, await emulator.mintToken(userClaims('Files.Read')));
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate'), /error="insufficient_scope"/);
    });
  }

  it('a JWKS outage (injected fault) is 503 with Retry-After, not a 401', async () => {
    const fresh = await startApi(); // its own validator: no keys cached yet
    await emulator.resetCounters();
    await emulator.addFault({ endpoint: 'jwks', status: 503 });
    try {
      const res = await get(
        fresh.url,
        '/me',
        await emulator.mintToken(userClaims('access_as_user')),
      );
      assert.equal(res.status, 503);
      assert.ok(res.headers.get('retry-after'));
      assert.ok((await emulator.counters()).jwks >= 1);
    } finally {
      await emulator.clearFaults();
      await fresh.close();
    }
  });
});
