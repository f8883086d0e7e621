import request from 'supertest';
import { createEmulatorApp } from '../app';
import { AZURE_CLI_CLIENT_ID } from '../seed/first-party';
import {
  API,
  API_SCOPE,
  B2C_TENANT,
  B2C_TID,
  BOB,
  CIAM_TENANT,
  CIAM_TID,
  claimsOf,
  DAEMON,
  PASSWORD,
  passwordForm,
  TENANT,
} from '../../test/helpers';

const LOGIN = 'login.microsoftonline.com';
const ALIAS = 'login.windows.net';
const B2C = 'obodevb2c.b2clogin.com';
const CIAM = 'obodevciam.ciamlogin.com';
const CIAM_BY_ID = `${CIAM_TID}.ciamlogin.com`;

/**
 * Transparent mode over HTTP (supertest on `transparentApp`, the `Host` header naming the
 * host): each Microsoft host serves what the real one does, and every endpoint, issuer, link
 * and challenge a client sees names the real hosts. The listeners (SNI, proxy, preload) are in
 * listeners.spec.ts.
 */
describe('transparent mode: the emulator as Microsoft’s hosts', () => {
  const { app, transparentApp } = createEmulatorApp({ transparent: true });
  if (!transparentApp) throw new Error('transparent: true gives a transparentApp');
  const at = (host: string) => ({
    get: (path: string) => request(transparentApp).get(path).set('Host', host),
    post: (path: string, form: Record<string, string>) =>
      request(transparentApp).post(path).set('Host', host).type('form').send(form),
  });
  const password = (host: string, scope: string, username = BOB) =>
    at(host).post(`/${TENANT}/oauth2/v2.0/token`, passwordForm(scope, username));
  /** An ARM token as the Azure CLI gets one: Microsoft's public client, pre-authorized for ARM. */
  const armToken = async (host = LOGIN) =>
    (
      await at(host).post(`/${TENANT}/oauth2/v2.0/token`, {
        grant_type: 'password',
        client_id: AZURE_CLI_CLIENT_ID,
        username: BOB,
        password: PASSWORD,
        scope: 'https://management.core.windows.net//.default',
      })
    ).body.access_token as string;

  describe('discovery documents name the real hosts', () => {
    it('login.microsoftonline.com: v2 endpoints and issuer there, Entra’s cloud fields', async () => {
      const res = await at(LOGIN).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: `https://${LOGIN}/${TENANT}/v2.0`,
        authorization_endpoint: `https://${LOGIN}/${TENANT}/oauth2/v2.0/authorize`,
        token_endpoint: `https://${LOGIN}/${TENANT}/oauth2/v2.0/token`,
        end_session_endpoint: `https://${LOGIN}/${TENANT}/oauth2/v2.0/logout`,
        jwks_uri: `https://${LOGIN}/${TENANT}/discovery/v2.0/keys`,
        cloud_instance_name: 'microsoftonline.com',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      });
    });

    it('login.windows.net: endpoints on the alias, the issuer on login.microsoftonline.com', async () => {
      const res = await at(ALIAS).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
      expect(res.body.token_endpoint).toBe(`https://${ALIAS}/${TENANT}/oauth2/v2.0/token`);
      expect(res.body.issuer).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
      const common = await at(ALIAS).get('/common/v2.0/.well-known/openid-configuration');
      expect(common.body.issuer).toBe(`https://${LOGIN}/{tenantid}/v2.0`);
      expect(common.body.token_endpoint).toBe(`https://${ALIAS}/common/oauth2/v2.0/token`);
    });

    it('the v1 document: sts.windows.net issuer, endpoints and keys on the host asked', async () => {
      const res = await at(LOGIN).get(`/${TENANT}/.well-known/openid-configuration`);
      expect(res.body).toMatchObject({
        issuer: `https://sts.windows.net/${TENANT}/`,
        token_endpoint: `https://${LOGIN}/${TENANT}/oauth2/token`,
        end_session_endpoint: `https://${LOGIN}/${TENANT}/oauth2/logout`,
        jwks_uri: `https://${LOGIN}/common/discovery/keys`,
      });
    });

    it('B2C at {name}.b2clogin.com: issuer https://{name}.b2clogin.com/{tid}/v2.0/', async () => {
      const res = await at(B2C).get(
        `/${B2C_TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration`,
      );
      expect(res.body).toMatchObject({
        issuer: `https://${B2C}/${B2C_TID}/v2.0/`,
        token_endpoint: `https://${B2C}/${B2C_TENANT}/b2c_1_susi/oauth2/v2.0/token`,
      });
    });

    it('External ID at {name} and {tid}.ciamlogin.com: issuer https://{tid}.ciamlogin.com/{tid}/v2.0', async () => {
      for (const host of [CIAM, CIAM_BY_ID]) {
        for (const tenant of [CIAM_TENANT, CIAM_TID]) {
          const res = await at(host).get(`/${tenant}/v2.0/.well-known/openid-configuration`);
          expect(res.body.issuer).toBe(`https://${CIAM_BY_ID}/${CIAM_TID}/v2.0`);
          expect(res.body.token_endpoint).toBe(`https://${host}/${CIAM_TENANT}/oauth2/v2.0/token`);
        }
      }
    });

    it('the emulator’s own origin is unchanged while transparent mode is on', async () => {
      const res = await request(app).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
      expect(res.body.issuer).toBe(`https://localhost:8443/${TENANT}/v2.0`);
      expect(res.body.rbac_url).toBe('https://localhost:8443/arm');
    });
  });

  describe('each tenant answers on its own hosts only', () => {
    it('the workforce tenant is unknown on a B2C or External ID host (AADSTS90002)', async () => {
      for (const host of [B2C, CIAM]) {
        const res = await at(host).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
        expect([res.status, res.body.error_codes]).toEqual([400, [90002]]);
      }
    });

    it('External ID is unknown on login.microsoftonline.com; B2C user flows are not there', async () => {
      const ciam = await at(LOGIN).get(`/${CIAM_TENANT}/v2.0/.well-known/openid-configuration`);
      expect([ciam.status, ciam.body.error_codes]).toEqual([400, [90002]]);
      const b2c = await at(LOGIN).get(
        `/${B2C_TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration`,
      );
      expect(b2c.status).toBe(404);
    });

    it('a host the emulator does not stand in for is 421 Misdirected Request', async () => {
      for (const host of ['login.example.com', 'localhost:8443', 'evil.b2clogin.com']) {
        const res = await at(host).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
        expect([res.status, res.body.error]).toEqual([421, 'misdirected_request']);
      }
    });

    it('a port in Host is kept in the endpoints (a client addressing another port)', async () => {
      const res = await at(`${LOGIN}:8444`).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
      expect(res.body.token_endpoint).toBe(`https://${LOGIN}:8444/${TENANT}/oauth2/v2.0/token`);
      expect(res.body.issuer).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
      const standard = await at(`${LOGIN}:443`).get(
        `/${TENANT}/v2.0/.well-known/openid-configuration`,
      );
      expect(standard.body.token_endpoint).toBe(`https://${LOGIN}/${TENANT}/oauth2/v2.0/token`);
    });
  });

  describe('instance and user realm discovery, as Entra answers them', () => {
    const discover = (endpoint?: string) =>
      at(LOGIN).get(
        `/common/discovery/instance?api-version=1.1${endpoint ? `&authorization_endpoint=${encodeURIComponent(endpoint)}` : ''}`,
      );

    it('returns Entra’s aliases for the public cloud and the tenant’s document', async () => {
      const res = await discover(`https://${LOGIN}/${TENANT}/oauth2/v2.0/authorize`);
      expect(res.status).toBe(200);
      expect(res.body['api-version']).toBe('1.1');
      expect(res.body.tenant_discovery_endpoint).toBe(
        `https://${LOGIN}/${TENANT}/v2.0/.well-known/openid-configuration`,
      );
      expect(res.body.metadata[0]).toEqual({
        preferred_network: LOGIN,
        preferred_cache: ALIAS,
        aliases: [LOGIN, ALIAS, 'login.microsoft.com', 'sts.windows.net'],
      });
      // The other clouds follow, as in Entra's answer.
      expect(
        res.body.metadata.map((m: { preferred_network: string }) => m.preferred_network),
      ).toContain('login.microsoftonline.us');
    });

    it('an unknown instance is AADSTS50049 invalid_instance; the emulator’s own hosts are known', async () => {
      const unknown = await discover('https://login.example.com/common/oauth2/v2.0/authorize');
      expect([unknown.status, unknown.body.error, unknown.body.error_codes]).toEqual([
        400,
        'invalid_instance',
        [50049],
      ]);
      const ciam = await discover(`https://${CIAM}/${CIAM_TENANT}/oauth2/v2.0/authorize`);
      expect(ciam.status).toBe(200);
      expect(ciam.body.metadata[0]).toEqual({
        preferred_network: CIAM,
        preferred_cache: CIAM,
        aliases: [CIAM],
      });
    });

    it('is served by the login hosts only', async () => {
      const res = await at(B2C).get('/common/discovery/instance?api-version=1.1');
      expect(res.status).not.toBe(200);
    });

    it('user realm discovery names Entra’s cloud', async () => {
      const res = await at(LOGIN).get(`/common/userrealm/${BOB}?api-version=1.0`);
      expect(res.body).toMatchObject({
        account_type: 'Managed',
        cloud_instance_name: 'microsoftonline.com',
      });
    });
  });

  describe('tokens carry the real issuers and audiences', () => {
    it('a v2 API token and its ID token: https://login.microsoftonline.com/{tid}/v2.0', async () => {
      const res = await password(ALIAS, `${API_SCOPE} openid profile`);
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token)).toMatchObject({
        iss: `https://${LOGIN}/${TENANT}/v2.0`,
        aud: API.clientId,
      });
      expect(claimsOf(res.body.id_token).iss).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
    });

    it('client credentials for a v2 API: the same issuer; ARM tokens: sts.windows.net, ARM’s audience', async () => {
      const app = await at(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
      });
      expect(claimsOf(app.body.access_token).iss).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
      expect(claimsOf(await armToken())).toMatchObject({
        iss: `https://sts.windows.net/${TENANT}/`,
        aud: 'https://management.core.windows.net/',
      });
    });

    it('token errors point at login.microsoftonline.com/error', async () => {
      const res = await at(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: 'wrong',
        scope: `api://${API.clientId}/.default`,
      });
      expect(res.body.error_uri).toBe(`https://${LOGIN}/error?code=7000215`);
    });

    it('tokens issued under either name are the emulator’s: On-Behalf-Of accepts both', async () => {
      const fromMicrosoft = (await password(LOGIN, API_SCOPE)).body.access_token;
      const local = await request(app)
        .post(`/${TENANT}/oauth2/v2.0/token`)
        .type('form')
        .send(passwordForm(API_SCOPE, BOB));
      const fromLocal = local.body.access_token;
      expect(claimsOf(fromLocal).iss).toBe(`https://localhost:8443/${TENANT}/v2.0`);
      const exchange = (send: (form: Record<string, string>) => request.Test, assertion: string) =>
        send({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          client_id: API.clientId,
          client_secret: API.clientSecret,
          assertion,
          scope: 'https://management.azure.com/user_impersonation',
        });
      const atLocal = (form: Record<string, string>) =>
        request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(form);
      const atLogin = (form: Record<string, string>) =>
        at(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`, form);
      expect((await exchange(atLocal, fromMicrosoft)).status).toBe(200);
      expect((await exchange(atLogin, fromLocal)).status).toBe(200);
    });
  });

  describe('Azure Resource Manager at the root of management.azure.com', () => {
    it('pages bob’s subscriptions with nextLinks on management.azure.com', async () => {
      const token = await armToken();
      const first = await at('management.azure.com')
        .get('/subscriptions?api-version=2022-12-01')
        .set('Authorization', `Bearer ${token}`);
      expect(first.status).toBe(200);
      const next = new URL(first.body.nextLink);
      expect(next.origin).toBe('https://management.azure.com');
      expect(next.pathname).toBe('/subscriptions');
      const second = await at('management.azure.com')
        .get(`${next.pathname}${next.search}`)
        .set('Authorization', `Bearer ${token}`);
      expect(second.status).toBe(200);
      expect(second.body.value.length).toBeGreaterThan(0);
    });

    it('challenges for login.windows.net/{tid}, as ARM does; /arm is not a path there', async () => {
      const res = await at('management.azure.com').get('/subscriptions?api-version=2022-12-01');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain(
        `authorization_uri="https://login.windows.net/${TENANT}"`,
      );
      const prefixed = await at('management.azure.com').get(
        '/arm/subscriptions?api-version=2022-12-01',
      );
      expect(prefixed.status).toBe(404);
    });

    it('identity endpoints are not served on ARM’s or Graph’s host, nor ARM on a login host', async () => {
      for (const host of ['management.azure.com', 'graph.microsoft.com']) {
        const res = await at(host).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
        expect(res.status).not.toBe(200);
      }
      const arm = await at(LOGIN).get('/subscriptions?api-version=2022-12-01');
      expect(arm.status).toBe(404);
    });
  });

  it('Microsoft Graph at the root of graph.microsoft.com: links name it', async () => {
    const token = (
      await password(LOGIN, 'https://graph.microsoft.com/User.Read', 'admin@obodev.onmicrosoft.com')
    ).body.access_token;
    const res = await at('graph.microsoft.com')
      .get('/v1.0/applications')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#applications',
    );
  });

  it('is off by default: no transparentApp, no Microsoft hosts', () => {
    const plain = createEmulatorApp();
    expect(plain.transparentApp).toBeUndefined();
    expect(plain.context.sites.hostNames()).toEqual([]);
  });
});
