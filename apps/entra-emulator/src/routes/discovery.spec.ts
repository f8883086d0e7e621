import { emulatorAuthorityMetadata } from '@obo/config';
import type { RunningEmulator } from '../emulator';
import { call, startTestEmulator, TENANT } from '../../test/helpers';

describe('discovery, JWKS and instance discovery', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it('serves the openid-configuration at the paths @obo/config gives MSAL', async () => {
    const res = await call(emu, 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const expected = emulatorAuthorityMetadata(emu.authority);
    for (const key of [
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'end_session_endpoint',
      'jwks_uri',
    ]) {
      expect(res.body[key]).toBe(expected[key]);
    }
    expect(res.body.issuer).toBe(`${emu.url}/${TENANT}/v2.0`);
  });

  it.each(['obodev.onmicrosoft.com', 'common', 'organizations'])(
    'resolves the %s authority',
    async (tenant) => {
      const res = await call(emu, 'GET', `/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(new URL(res.body.issuer).host).toBe(new URL(emu.url).host);
      if (tenant === 'common') expect(res.body.issuer).toBe(`${emu.url}/{tenantid}/v2.0`);
      else if (tenant === 'organizations')
        expect(res.body.token_endpoint).toBe(`${emu.url}/organizations/oauth2/v2.0/token`);
      else expect(res.body.token_endpoint).toBe(`${emu.url}/${TENANT}/oauth2/v2.0/token`);
    },
  );

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await call(
      emu,
      'GET',
      '/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_codes).toEqual([90002]);
    expect(res.body.error_description).toMatch(
      /^AADSTS90002: .* Trace ID: .* Correlation ID: .* Timestamp: /,
    );
  });

  it('publishes the signing key with kid = x5t and an x5c chain', async () => {
    const res = await call(emu, 'GET', `/${TENANT}/discovery/v2.0/keys`);
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB' });
    expect(key.kid).toBe(key.x5t);
    expect(key.x5c[0]).toMatch(/^MII/);
    expect(emu.counters().jwks).toBe(1);
  });

  it('answers instance discovery for the emulator host', async () => {
    const authEndpoint = encodeURIComponent(`${emu.url}/${TENANT}/oauth2/v2.0/authorize`);
    const res = await call(
      emu,
      'GET',
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${authEndpoint}`,
    );
    expect(res.status).toBe(200);
    const host = new URL(emu.url).host;
    expect(res.body.tenant_discovery_endpoint).toBe(
      `${emu.url}/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(res.body.metadata[0].aliases).toEqual([host]);
  });

  it.each([TENANT, 'obodev.onmicrosoft.com'])(
    'serves the v1 discovery document as Entra does (%s)',
    async (tenant) => {
      const res = await call(emu, 'GET', `/${tenant}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: `https://sts.windows.net/${TENANT}/`,
        authorization_endpoint: `${emu.authority}/oauth2/authorize`,
        token_endpoint: `${emu.authority}/oauth2/token`,
        end_session_endpoint: `${emu.authority}/oauth2/logout`,
        jwks_uri: `${emu.url}/common/discovery/keys`,
        microsoft_multi_refresh_token: true,
        http_logout_supported: true,
      });
      const keys = await call(emu, 'GET', res.body.jwks_uri);
      expect(keys.body.keys).toHaveLength(1);
      // Every endpoint it advertises answers (here: errors of a request without parameters).
      const authorize = await call(emu, 'GET', res.body.authorization_endpoint);
      expect(authorize.text).toContain('AADSTS900144');
      const token = await call(emu, 'POST', res.body.token_endpoint, { form: {} });
      expect(token.body.error_codes).toEqual([900144]);
      const common = await call(emu, 'GET', '/common/.well-known/openid-configuration');
      expect(common.body.issuer).toBe('https://sts.windows.net/{tenantid}/');
    },
  );

  it('answers user realm discovery: the tenant’s accounts are Managed, others Unknown', async () => {
    const ours = await call(
      emu,
      'GET',
      '/common/userrealm/alice@obodev.onmicrosoft.com?api-version=1.0',
    );
    expect(ours.status).toBe(200);
    expect(ours.body).toMatchObject({
      ver: '1.0',
      account_type: 'Managed',
      domain_name: 'obodev.onmicrosoft.com',
    });
    const other = await call(emu, 'GET', '/common/userrealm/someone@contoso.com?api-version=1.0');
    expect(other.body).toMatchObject({ account_type: 'Unknown' });
  });

  it('sends CORS headers on discovery, keys and token (with preflight) and x-ms-request-id = trace_id', async () => {
    const doc = await call(emu, 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(doc.headers['access-control-allow-origin']).toBe('*');
    const preflight = await call(emu, 'OPTIONS', `/${TENANT}/oauth2/v2.0/token`, {
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const error = await call(emu, 'POST', `/${TENANT}/oauth2/v2.0/token`, {
      form: { grant_type: 'password' },
      headers: { 'client-request-id': '11111111-2222-4333-8444-555555555555' },
    });
    expect(error.headers['x-ms-request-id']).toBe(error.body.trace_id);
    expect(error.headers['client-request-id']).toBe('11111111-2222-4333-8444-555555555555');
    expect(error.body.correlation_id).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('serves a home document and a health check', async () => {
    expect((await call(emu, 'GET', '/')).body.authority).toBe(emu.authority);
    expect((await call(emu, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(emu, 'GET', '/nowhere')).status).toBe(404);
  });
});
