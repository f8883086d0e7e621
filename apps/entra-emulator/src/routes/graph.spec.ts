import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { EMULATOR_DEFAULTS } from '@obo/config';
import request from 'supertest';
import { certificate } from '../../test/helpers';
import { createEmulatorApp } from '../app';
import { signJwt } from '../jwt';
import { ARM_APP_ID } from './graph';

/** The Graph subset behind `tools/register-apps`: protocol, auth, and live effect. */
describe('Graph /graph/v1.0 (applications, service principals)', () => {
  const { app, context } = createEmulatorApp({ publicUrl: 'https://localhost:8443' });
  const ADMIN = 'admin@obodev.onmicrosoft.com';
  const ADMIN_ID = '0b0e0000-0000-4000-8000-000000001005';
  const ALICE_ID = '0b0e0000-0000-4000-8000-000000001001';
  const BOB = 'bob@obodev.onmicrosoft.com';
  const BOB_ID = '0b0e0000-0000-4000-8000-000000001002';
  const tenant = EMULATOR_DEFAULTS.tenantId;
  const USER_IMPERSONATION = '41094075-9dad-400e-a0bd-54e686782033';
  let token = '';

  const tokenRequest = (form: Record<string, string>) =>
    request(app).post(`/${tenant}/oauth2/v2.0/token`).type('form').send(form);
  const graph = () => ({
    get: (path: string) => request(app).get(`/graph/v1.0${path}`).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) =>
      request(app).post(`/graph/v1.0${path}`).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) =>
      request(app).patch(`/graph/v1.0${path}`).auth(token, { type: 'bearer' }).send(body),
  });

  beforeAll(async () => {
    // A delegated Graph token for a tenant user (any user may register apps, as in Entra).
    const res = await tokenRequest({
      grant_type: 'password',
      client_id: EMULATOR_DEFAULTS.web.clientId,
      client_secret: EMULATOR_DEFAULTS.web.clientSecret,
      scope: 'https://graph.microsoft.com/User.Read',
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    }).expect(200);
    token = res.body.access_token as string;
  });

  it('refuses requests without a Graph token (401) and app-only tokens without the role (403)', async () => {
    const none = await request(app).get('/graph/v1.0/applications').expect(401);
    expect(none.body.error.code).toBe('InvalidAuthenticationToken');

    const api = await tokenRequest({
      grant_type: 'password',
      client_id: EMULATOR_DEFAULTS.web.clientId,
      client_secret: EMULATOR_DEFAULTS.web.clientSecret,
      scope: `api://${EMULATOR_DEFAULTS.api.clientId}/access_as_user`,
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    }).expect(200);
    await request(app)
      .get('/graph/v1.0/applications')
      .auth(api.body.access_token, { type: 'bearer' })
      .expect(401);

    const daemon = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: '0b0e0000-0000-4000-8000-000000000301',
      client_secret: 'obo-daemon-dev-secret-not-for-production',
      scope: 'https://graph.microsoft.com/.default',
    }).expect(200);
    const denied = await request(app)
      .get('/graph/v1.0/applications')
      .auth(daemon.body.access_token, { type: 'bearer' })
      .expect(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('lists the tenant’s own apps by displayName, never first-party ones', async () => {
    const res = await graph().get(`/applications?$filter=displayName eq 'OBO API'`).expect(200);
    expect(res.body.value).toHaveLength(1);
    const api = res.body.value[0];
    expect(api).toMatchObject({
      appId: EMULATOR_DEFAULTS.api.clientId,
      identifierUris: [`api://${EMULATOR_DEFAULTS.api.clientId}`],
      api: {
        requestedAccessTokenVersion: 2,
        knownClientApplications: [EMULATOR_DEFAULTS.web.clientId],
      },
    });
    expect(api.requiredResourceAccess).toContainEqual({
      resourceAppId: ARM_APP_ID,
      resourceAccess: [{ id: USER_IMPERSONATION, type: 'Scope' }],
    });
    expect(JSON.stringify(api)).not.toContain(EMULATOR_DEFAULTS.api.clientSecret);
    const all = await graph().get('/applications').expect(200);
    expect(all.body.value.map((a: { appId: string }) => a.appId)).not.toContain(ARM_APP_ID);
    await graph().get(`/applications?$filter=startswith(displayName,'O')`).expect(400);
  });

  it('creates, updates and adds a secret to an app that then signs users in and does OBO', async () => {
    const scopeId = 'a1b2c3d4-0000-4000-8000-000000000001';
    const created = await graph().post('/applications', { displayName: 'Graph API' }).expect(201);
    const apiApp = created.body as { id: string; appId: string };
    await graph()
      .patch(`/applications/${apiApp.id}`, {
        identifierUris: [`api://${apiApp.appId}`],
        api: {
          requestedAccessTokenVersion: 2,
          oauth2PermissionScopes: [
            { id: scopeId, value: 'access_as_user', type: 'User', isEnabled: true },
          ],
        },
        requiredResourceAccess: [
          {
            resourceAppId: ARM_APP_ID,
            resourceAccess: [{ id: USER_IMPERSONATION, type: 'Scope' }],
          },
        ],
      })
      .expect(204);
    const webApp = (
      await graph()
        .post('/applications', {
          displayName: 'Graph Web',
          web: { redirectUris: ['http://localhost:5000/auth/redirect'] },
          requiredResourceAccess: [
            { resourceAppId: apiApp.appId, resourceAccess: [{ id: scopeId, type: 'Scope' }] },
          ],
        })
        .expect(201)
    ).body as { id: string; appId: string };
    await graph()
      .patch(`/applications/${apiApp.id}`, { api: { knownClientApplications: [webApp.appId] } })
      .expect(204);

    // A bad permission id changes nothing.
    const bad = await graph()
      .patch(`/applications/${webApp.id}`, {
        displayName: 'renamed',
        requiredResourceAccess: [
          { resourceAppId: ARM_APP_ID, resourceAccess: [{ id: scopeId, type: 'Scope' }] },
        ],
      })
      .expect(400);
    expect(bad.body.error.code).toBe('Request_BadRequest');
    const read = await graph().get(`/applications/${webApp.id}`).expect(200);
    expect(read.body.displayName).toBe('Graph Web');
    expect(read.body.requiredResourceAccess[0].resourceAccess[0].id).toBe(scopeId);

    const webSecret = (await graph().post(`/applications/${webApp.id}/addPassword`, {}).expect(200))
      .body as { secretText: string; hint: string };
    const apiSecret = (await graph().post(`/applications/${apiApp.id}/addPassword`, {}).expect(200))
      .body as { secretText: string };
    expect(webSecret.hint).toBe(webSecret.secretText.slice(0, 3));
    const listed = await graph().get(`/applications/${webApp.id}`).expect(200);
    expect(listed.body.passwordCredentials).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(webSecret.secretText);

    // Service principals: none until created, then one; a second create conflicts.
    const sp = () => graph().get(`/servicePrincipals?$filter=appId eq '${webApp.appId}'`);
    expect((await sp().expect(200)).body.value).toEqual([]);
    await graph().post('/servicePrincipals', { appId: webApp.appId }).expect(201);
    expect((await sp().expect(200)).body.value).toHaveLength(1);
    await graph().post('/servicePrincipals', { appId: webApp.appId }).expect(409);

    // Live registrations: a user token for the new API, then OBO to ARM with the new API.
    const user = await tokenRequest({
      grant_type: 'password',
      client_id: webApp.appId,
      client_secret: webSecret.secretText,
      scope: `api://${apiApp.appId}/access_as_user`,
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    }).expect(200);
    const obo = await tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: apiApp.appId,
      client_secret: apiSecret.secretText,
      assertion: user.body.access_token,
      scope: 'https://management.azure.com/user_impersonation',
    }).expect(200);
    const arm = await request(app)
      .get('/arm/subscriptions?api-version=2022-12-01')
      .auth(obo.body.access_token, { type: 'bearer' })
      .expect(200);
    expect(arm.body.value.length).toBeGreaterThan(0);
  });

  it('registers a certificate through keyCredentials; its key then signs client assertions', async () => {
    const GRAPH_USER_READ = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d';
    const cert = certificate();
    const der = new X509Certificate(cert.pem).raw;
    const created = await graph()
      .post('/applications', {
        displayName: 'Graph Cert App',
        requiredResourceAccess: [
          {
            resourceAppId: '00000003-0000-0000-c000-000000000000',
            resourceAccess: [{ id: GRAPH_USER_READ, type: 'Scope' }],
          },
        ],
      })
      .expect(201);
    const { id, appId } = created.body as { id: string; appId: string };
    const tokenUrl = `https://localhost:8443/${tenant}/oauth2/v2.0/token`;
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt(
      { aud: tokenUrl, iss: appId, sub: appId, jti: randomUUID(), nbf: now, exp: now + 600 },
      cert.privateKey,
      { 'x5t#S256': cert.x5tS256 },
    );
    const signIn = () =>
      tokenRequest({
        grant_type: 'password',
        client_id: appId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: 'https://graph.microsoft.com/User.Read',
        username: EMULATOR_DEFAULTS.devUser,
        password: EMULATOR_DEFAULTS.devPassword,
      });
    // Before the upload the assertion's key is unknown.
    expect((await signIn()).status).toBe(401);

    await graph()
      .patch(`/applications/${id}`, {
        keyCredentials: [
          { type: 'AsymmetricX509Cert', usage: 'Verify', key: der.toString('base64') },
        ],
      })
      .expect(204);
    const read = (await graph().get(`/applications/${id}`).expect(200)).body as {
      keyCredentials: Record<string, unknown>[];
    };
    expect(read.keyCredentials).toEqual([
      expect.objectContaining({
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: null,
        customKeyIdentifier: createHash('sha1').update(der).digest('hex').toUpperCase(),
        displayName: 'cert-app',
      }),
    ]);
    expect((await signIn()).status).toBe(200);

    // Not a certificate: 400, and the registered one stays.
    const bad = await graph()
      .patch(`/applications/${id}`, {
        keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: 'bm90IGEgY2VydA==' }],
      })
      .expect(400);
    expect(bad.body.error.code).toBe('KeyCredentialsInvalidValue');
    expect((await signIn()).status).toBe(200);
  });

  describe('authorization: owners and application administrators only', () => {
    const WEB_APP_ID = EMULATOR_DEFAULTS.web.clientId;
    const tokenFor = async (username: string) =>
      (
        await tokenRequest({
          grant_type: 'password',
          client_id: EMULATOR_DEFAULTS.web.clientId,
          client_secret: EMULATOR_DEFAULTS.web.clientSecret,
          scope: 'https://graph.microsoft.com/User.Read',
          username,
          password: EMULATOR_DEFAULTS.devPassword,
        }).expect(200)
      ).body.access_token as string;
    const as = (bearer: string) => ({
      get: (path: string) =>
        request(app).get(`/graph/v1.0${path}`).auth(bearer, { type: 'bearer' }),
      post: (path: string, body: object) =>
        request(app).post(`/graph/v1.0${path}`).auth(bearer, { type: 'bearer' }).send(body),
      patch: (path: string, body: object) =>
        request(app).patch(`/graph/v1.0${path}`).auth(bearer, { type: 'bearer' }).send(body),
      delete: (path: string) =>
        request(app).delete(`/graph/v1.0${path}`).auth(bearer, { type: 'bearer' }),
    });
    const objectIdOf = async (appId: string) =>
      (await graph().get(`/applications?$filter=appId eq '${appId}'`).expect(200)).body.value[0]
        .id as string;
    const expectDenied = (res: request.Response) => {
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'Authorization_RequestDenied' });
      expect(res.body.error.innerError['request-id']).toBeDefined();
    };
    const ref = (userId: string) => ({
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}`,
    });

    it('a user who does not own the seeded web app can neither change it nor add a secret', async () => {
      const id = await objectIdOf(WEB_APP_ID);
      const before = structuredClone(context.directory.app(WEB_APP_ID));
      const alice = as(token);
      expectDenied(
        await alice.patch(`/applications/${id}`, {
          web: { redirectUris: ['https://evil.example/cb'] },
        }),
      );
      expectDenied(await alice.post(`/applications/${id}/addPassword`, {}));
      expectDenied(await alice.patch(`/applications/${id}`, { keyCredentials: [] }));
      expectDenied(await alice.post(`/applications/${id}/owners/$ref`, ref(ALICE_ID)));
      expectDenied(await alice.delete(`/applications/${id}/owners/${ADMIN_ID}/$ref`));
      expect(context.directory.app(WEB_APP_ID)).toEqual(before);
      // Reading stays open to every user, as in Entra.
      const read = await alice.get(`/applications/${id}`).expect(200);
      expect(read.body.web.redirectUris).toEqual(before?.redirectUris);
      const owners = await alice.get(`/applications/${id}/owners`).expect(200);
      expect(
        owners.body.value.map((o: { userPrincipalName: string }) => o.userPrincipalName),
      ).toEqual([ADMIN]);
    });

    it('the seeded application administrator may change any app', async () => {
      const id = await objectIdOf(EMULATOR_DEFAULTS.api.clientId);
      const admin = as(await tokenFor(ADMIN));
      await admin.patch(`/applications/${id}`, { displayName: 'OBO API (renamed)' }).expect(204);
      expect(context.directory.app(EMULATOR_DEFAULTS.api.clientId)?.displayName).toBe(
        'OBO API (renamed)',
      );
      await admin.patch(`/applications/${id}`, { displayName: 'OBO API' }).expect(204);
      const secret = await admin.post(`/applications/${id}/addPassword`, {}).expect(200);
      expect(context.directory.app(EMULATOR_DEFAULTS.api.clientId)?.secrets).toContain(
        secret.body.secretText,
      );
    });

    it('the creator owns a new app; co-owners added by an owner may change it, removed ones not', async () => {
      const alice = as(token);
      const bob = as(await tokenFor(BOB));
      const created = await alice.post('/applications', { displayName: 'Alice’s app' }).expect(201);
      const { id, appId } = created.body as { id: string; appId: string };
      expect(context.directory.app(appId)?.owners).toEqual([ALICE_ID]);
      await alice
        .patch(`/applications/${id}`, { web: { redirectUris: ['http://localhost:7000/cb'] } })
        .expect(204);
      await alice.post(`/applications/${id}/addPassword`, {}).expect(200);

      expectDenied(await bob.patch(`/applications/${id}`, { displayName: 'Bob’s now' }));
      expectDenied(await bob.post('/servicePrincipals', { appId }));
      await alice.post(`/applications/${id}/owners/$ref`, ref(BOB_ID)).expect(204);
      const again = await alice.post(`/applications/${id}/owners/$ref`, ref(BOB_ID)).expect(400);
      expect(again.body.error.code).toBe('Request_BadRequest');
      await alice
        .post(`/applications/${id}/owners/$ref`, ref('00000000-0000-4000-8000-00000000dead'))
        .expect(404);
      await bob.patch(`/applications/${id}`, { displayName: 'Shared app' }).expect(204);
      await bob.post('/servicePrincipals', { appId }).expect(201);

      await alice.delete(`/applications/${id}/owners/${BOB_ID}/$ref`).expect(204);
      expectDenied(await bob.patch(`/applications/${id}`, { displayName: 'Bob’s again' }));
      expect(context.directory.app(appId)?.displayName).toBe('Shared app');
    });
  });

  it('answers unknown ids with 404 and bad JSON with 400, in Graph’s error shape', async () => {
    const missing = await graph()
      .get('/applications/00000000-0000-4000-8000-000000000000')
      .expect(404);
    expect(missing.body.error).toMatchObject({ code: 'Request_ResourceNotFound' });
    expect(missing.body.error.innerError['request-id']).toBeDefined();
    await request(app)
      .post('/graph/v1.0/applications')
      .auth(token, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send('{"displayName":')
      .expect(400);
  });
});
