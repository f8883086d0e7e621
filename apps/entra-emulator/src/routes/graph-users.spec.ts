import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  ALICE,
  BOB,
  call,
  CIAM_TENANT,
  CIAM_TID,
  CIAM_WEB,
  claimsOf,
  DAEMON,
  DAVE,
  passwordGrant,
  PASSWORD,
  REDIRECT,
  startTestEmulator,
  TENANT,
  WEB,
} from '../../test/helpers';
import { createEmulatorApp } from '../app';
import type { RunningEmulator } from '../emulator';
import { loadSeed } from '../seed/load';
import { EmulatorBrowser } from '../testing';

const ALICE_ID = '0b0e0000-0000-4000-8000-000000001001';
const BOB_ID = '0b0e0000-0000-4000-8000-000000001002';
const DAVE_ID = '0b0e0000-0000-4000-8000-000000001004';
const FRANK_ID = '0b0ec1a0-0000-4000-8000-000000001001';
const GRAPH = 'https://graph.microsoft.com';
const USER_READ = `${GRAPH}/User.Read`;

/** Graph's `user` properties, in the order Graph sends them. */
const USER_PROPERTIES = [
  '@odata.context',
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** `/graph/v1.0/me` and `/graph/v1.0/users/{id}`: shapes, token checks, permissions, faults. */
describe('Graph users (/me, /users/{id})', () => {
  // alice has also consented to User.Read.All here, to read other users.
  const seed = loadSeed();
  seed.grants.push({
    clientId: WEB.clientId,
    resource: '00000003-0000-0000-c000-000000000000',
    scopes: ['User.Read.All'],
    principal: ALICE,
  });
  const { app, transparentApp, controls } = createEmulatorApp({ seed, transparent: true });
  const tokenRequest = (form: Record<string, string>) =>
    request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(form);
  const userToken = async (username: string, scope = USER_READ) => {
    const res = await tokenRequest({
      grant_type: 'password',
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      scope,
      username,
      password: PASSWORD,
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.text}`);
    return res.body.access_token as string;
  };
  const get = (path: string, token?: string) => {
    const req = request(app).get(`/graph/v1.0${path}`);
    return token ? req.auth(token, { type: 'bearer' }) : req;
  };

  afterEach(() => controls.faults.clear());

  it('GET /me: the signed-in user in Graph’s shape and order', async () => {
    const token = await userToken(ALICE);
    expect(claimsOf(token)).toMatchObject({ aud: GRAPH, scp: 'User.Read', ver: '1.0' });
    const res = await get('/me', token).expect(200).expect('content-type', /json/);
    expect(Object.keys(res.body)).toEqual(USER_PROPERTIES);
    expect(res.body).toEqual({
      '@odata.context': expect.stringMatching(/\/graph\/v1\.0\/\$metadata#users\/\$entity$/),
      businessPhones: ['+1 425 555 0101'],
      displayName: 'Alice Adams',
      givenName: 'Alice',
      jobTitle: 'Cloud Engineer',
      mail: ALICE,
      mobilePhone: '+1 425 555 0191',
      officeLocation: 'Building 1, Room 101',
      preferredLanguage: 'en-US',
      surname: 'Adams',
      userPrincipalName: ALICE,
      id: ALICE_ID,
    });
    expect(controls.counters().graph.me).toBeGreaterThan(0);
  });

  it('sends unset properties as null (and no phones as [])', async () => {
    const bob = await get('/me', await userToken(BOB)).expect(200);
    expect(bob.body).toMatchObject({ mobilePhone: null, jobTitle: 'Platform Lead' });
    const seedWithout = loadSeed();
    const dave = seedWithout.users.find((u) => u.userPrincipalName === DAVE);
    if (!dave) throw new Error('no dave in the seed');
    const bare = { ...dave, jobTitle: undefined, mail: undefined, businessPhones: [] };
    seedWithout.users = seedWithout.users.map((u) => (u === dave ? bare : u));
    seedWithout.grants.push({
      clientId: WEB.clientId,
      resource: GRAPH,
      scopes: ['User.Read'],
      principal: DAVE,
    });
    const other = createEmulatorApp({ seed: seedWithout });
    const token = (
      await request(other.app)
        .post(`/${TENANT}/oauth2/v2.0/token`)
        .type('form')
        .send({
          grant_type: 'password',
          client_id: WEB.clientId,
          client_secret: WEB.clientSecret,
          scope: USER_READ,
          username: DAVE,
          password: PASSWORD,
        })
        .expect(200)
    ).body.access_token as string;
    const res = await request(other.app)
      .get('/graph/v1.0/me')
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(res.body).toMatchObject({
      businessPhones: [],
      jobTitle: null,
      mail: null,
      officeLocation: null,
      id: DAVE_ID,
    });
  });

  it('$select names the properties (and the context); an unknown property is 400', async () => {
    const token = await userToken(ALICE);
    const res = await get('/me?$select=displayName,JOBTITLE', token).expect(200);
    expect(res.body).toEqual({
      '@odata.context': expect.stringMatching(/#users\(displayName,jobTitle\)\/\$entity$/),
      displayName: 'Alice Adams',
      jobTitle: 'Cloud Engineer',
    });
    const bad = await get('/me?$select=displayName,passwordProfile', token).expect(400);
    expect(bad.body.error.code).toBe('Request_BadRequest');
    expect((await get('/me?$select=', token).expect(400)).body.error.code).toBe(
      'Request_BadRequest',
    );
  });

  it('GET /users/{id or upn}: yourself with User.Read, others with User.Read.All only', async () => {
    const bob = await userToken(BOB);
    for (const id of [BOB_ID, BOB, BOB.toUpperCase()]) {
      expect((await get(`/users/${id}`, bob).expect(200)).body.id).toBe(BOB_ID);
    }
    // Another user, or one that does not exist: 403 either way (no existence oracle).
    expect((await get(`/users/${ALICE_ID}`, bob).expect(403)).body.error.code).toBe(
      'Authorization_RequestDenied',
    );
    expect(
      (await get('/users/nobody@obodev.onmicrosoft.com', bob).expect(403)).body.error.code,
    ).toBe('Authorization_RequestDenied');

    const alice = await userToken(ALICE, `${GRAPH}/User.Read.All`);
    expect(claimsOf(alice).scp).toBe('User.Read.All');
    const read = await get(`/users/${BOB}`, alice).expect(200);
    expect(Object.keys(read.body)).toEqual(USER_PROPERTIES);
    expect(read.body).toMatchObject({
      id: BOB_ID,
      userPrincipalName: BOB,
      displayName: 'Bob Brown',
    });
    const missing = await get('/users/nobody@obodev.onmicrosoft.com', alice).expect(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    expect(controls.counters().graph.user).toBeGreaterThan(0);
  });

  it('apps: /users/{id} with the User.Read.All role; /me is for delegated tokens only (400)', async () => {
    const daemon = (
      await tokenRequest({
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `${GRAPH}/.default`,
      }).expect(200)
    ).body.access_token as string;
    expect(claimsOf(daemon).roles).toEqual(['User.Read.All']);
    expect((await get(`/users/${ALICE}`, daemon).expect(200)).body.id).toBe(ALICE_ID);
    expect((await get('/me', daemon).expect(400)).body.error.code).toBe('BadRequest');
    // An app without the role: 403.
    const noRole = controls.mintToken({
      aud: GRAPH,
      iss: `https://sts.windows.net/${TENANT}/`,
      idtyp: 'app',
      roles: ['Mail.Read'],
      oid: DAEMON.clientId,
    });
    expect((await get(`/users/${ALICE}`, noRole).expect(403)).body.error.code).toBe(
      'Authorization_RequestDenied',
    );
    // Nor may it register apps (that needs Application.ReadWrite.All).
    await get('/applications', daemon).expect(403);
  });

  describe('token checks', () => {
    const good = (claims: Record<string, unknown> = {}) =>
      controls.mintToken({
        aud: GRAPH,
        iss: `https://sts.windows.net/${TENANT}/`,
        oid: ALICE_ID,
        scp: 'User.Read',
        ver: '1.0',
        ...claims,
      });

    it('accepts both of Graph’s audiences, v1 and v2 issuers', async () => {
      await get('/me', good()).expect(200);
      await get('/me', good({ aud: '00000003-0000-0000-c000-000000000000' })).expect(200);
      await get('/me', good({ iss: `https://localhost:8443/${TENANT}/v2.0`, ver: '2.0' })).expect(
        200,
      );
    });

    it('no token: 401 InvalidAuthenticationToken with Graph’s WWW-Authenticate', async () => {
      const res = await get('/me').expect(401);
      expect(res.body.error).toMatchObject({
        code: 'InvalidAuthenticationToken',
        innerError: {
          date: expect.any(String),
          'request-id': expect.any(String),
          'client-request-id': expect.any(String),
        },
      });
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="", authorization_uri="https:\/\/localhost:8443\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"$/,
      );
    });

    it.each([
      [
        'another audience (a token for the API)',
        { aud: 'api://0b0e0000-0000-4000-8000-000000000201' },
      ],
      [
        'another tenant',
        {
          tid: '11111111-1111-4111-8111-111111111111',
          iss: 'https://sts.windows.net/11111111-1111-4111-8111-111111111111/',
        },
      ],
      [
        'the workforce tenant’s tid with the External ID tenant’s issuer',
        { iss: `https://sts.windows.net/${CIAM_TID}/` },
      ],
      [
        'an expired token',
        {
          exp: Math.floor(Date.now() / 1000) - 3600,
          iat: Math.floor(Date.now() / 1000) - 7200,
          nbf: Math.floor(Date.now() / 1000) - 7200,
        },
      ],
    ])('refuses %s: 401', async (_name, claims) => {
      const res = await get('/me', good(claims)).expect(401);
      expect(res.body.error.code).toBe('InvalidAuthenticationToken');
    });

    it('refuses a token signed by a key outside the JWKS: 401', async () => {
      const forged = controls.mintToken(
        { aud: GRAPH, iss: `https://sts.windows.net/${TENANT}/`, oid: ALICE_ID, scp: 'User.Read' },
        { untrustedKey: true },
      );
      expect((await get('/me', forged).expect(401)).body.error.code).toBe(
        'InvalidAuthenticationToken',
      );
    });

    it('refuses a Graph token without User.Read: 403 Authorization_RequestDenied', async () => {
      const res = await get('/me', good({ scp: 'Mail.Read' })).expect(403);
      expect(res.body.error.code).toBe('Authorization_RequestDenied');
    });

    it('refuses a token whose user does not exist: 403', async () => {
      const ghost = good({ oid: '0b0e0000-0000-4000-8000-00000000ffff' });
      expect((await get('/me', ghost).expect(403)).body.error.code).toBe(
        'Authorization_RequestDenied',
      );
    });
  });

  describe('fault injection (endpoint "graph")', () => {
    it.each([
      [429, 'TooManyRequests', '1'],
      [503, 'serviceNotAvailable', '1'],
      [500, 'generalException', undefined],
    ])('answers %i %s in Graph’s shape', async (status, code, retryAfter) => {
      controls.faults.add({ endpoint: 'graph', status, count: 1 });
      const token = await userToken(ALICE);
      const res = await get('/me', token).expect(status);
      expect(res.body.error.code).toBe(code);
      expect(res.headers['retry-after']).toBe(retryAfter);
      // count: 1 — the next request is served.
      await get('/me', token).expect(200);
    });

    it('graphError: its code, message and Retry-After', async () => {
      controls.faults.add({
        endpoint: 'graph',
        graphError: { status: 429, code: 'activityLimitReached', retryAfter: 7 },
      });
      const res = await get('/me', await userToken(ALICE)).expect(429);
      expect(res.body.error.code).toBe('activityLimitReached');
      expect(res.headers['retry-after']).toBe('7');
    });

    it('a 401 with claims: Graph’s Continuous Access Evaluation challenge', async () => {
      const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
      controls.faults.add({ endpoint: 'graph', graphError: { status: 401, claims }, count: 1 });
      const res = await get('/me', await userToken(ALICE)).expect(401);
      expect(res.body.error.code).toBe('InvalidAuthenticationToken');
      const header = String(res.headers['www-authenticate']);
      expect(header).toContain('error="insufficient_claims"');
      const encoded = /claims="([^"]+)"/.exec(header)?.[1] ?? '';
      expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(claims);
    });

    it('refuses a malformed graph fault at the control plane (400)', async () => {
      for (const graphError of [
        { status: 200 },
        { status: 401, claims: 'not json' },
        { status: 429, retryAfter: -1 },
      ]) {
        const res = await request(app)
          .post('/_emulator/faults')
          .send({ endpoint: 'graph', graphError })
          .expect(400);
        expect(res.body.error).toBe('invalid_request');
      }
    });
  });

  it('at graph.microsoft.com’s root (transparent mode), @odata.context names that root', async () => {
    if (!transparentApp) throw new Error('transparent: true gives a transparentApp');
    const token = await userToken(ALICE);
    const res = await request(transparentApp)
      .get('/v1.0/me')
      .set('Host', 'graph.microsoft.com')
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(res.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    );
  });
});

/** Consent in the workforce tenant and Graph for External ID users, over real HTTPS. */
describe('Graph users: consent and External ID', () => {
  let emu: RunningEmulator;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorizeUrl = (base: string, clientId: string, scope: string) => {
    const url = new URL(`${base}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope,
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(k, v);
    return url.toString();
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it('dave has not consented to User.Read: refused until he accepts it on the consent page', async () => {
    const refused = await passwordGrant(emu, USER_READ, DAVE);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'consent_required',
      error_codes: [65001],
    });

    // The web app asks for its API (admin-consented) and Graph's User.Read at once: the consent
    // page lists only what dave has not consented to.
    const scope = `api://${'0b0e0000-0000-4000-8000-000000000201'}/access_as_user ${USER_READ} openid offline_access`;
    const browser = new EmulatorBrowser(emu.caCert);
    const login = await browser.get(authorizeUrl(emu.authority, WEB.clientId, scope));
    const consentPage = await browser.submit(login, emu.authority, {
      login: DAVE,
      passwd: PASSWORD,
    });
    expect(consentPage.body).toContain('Permissions requested');
    expect(consentPage.body).toContain('Microsoft Graph: User.Read');
    expect(consentPage.body).not.toContain('access_as_user');
    const accepted = await browser.submit(consentPage, emu.authority, { accept: 'yes' });
    const result = await browser.finish(accepted, emu.authority);
    expect(result.params.code).toBeTruthy();

    const token = await passwordGrant(emu, USER_READ, DAVE);
    expect(token.status).toBe(200);
    const me = await call(emu, 'GET', '/graph/v1.0/me', {
      headers: { Authorization: `Bearer ${token.body.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: DAVE_ID, userPrincipalName: DAVE, jobTitle: 'Intern' });
  });

  it('External ID: frank’s Graph token (admin-consented) reads his /me', async () => {
    const base = `${emu.url}/${CIAM_TENANT}`;
    const signIn = await new EmulatorBrowser(emu.caCert).signIn(
      authorizeUrl(base, CIAM_WEB.clientId, `${USER_READ} openid offline_access`),
      { username: 'frank@example.com', password: PASSWORD },
    );
    const redeemed = await call(emu, 'POST', `${base}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'authorization_code',
        client_id: CIAM_WEB.clientId,
        client_secret: CIAM_WEB.secret,
        code: signIn.params.code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      },
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.scope).toBe(`openid ${USER_READ}`);
    expect(claimsOf(redeemed.body.access_token)).toMatchObject({
      aud: GRAPH,
      iss: `https://sts.windows.net/${CIAM_TID}/`,
      tid: CIAM_TID,
      oid: FRANK_ID,
      scp: 'User.Read',
      appid: CIAM_WEB.clientId,
      ver: '1.0',
    });
    // A refresh for Graph (what MSAL's silent call sends) works as well.
    const refreshed = await call(emu, 'POST', `${base}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'refresh_token',
        client_id: CIAM_WEB.clientId,
        client_secret: CIAM_WEB.secret,
        refresh_token: redeemed.body.refresh_token,
        scope: `${USER_READ} openid profile offline_access`,
      },
    });
    expect(claimsOf(refreshed.body.access_token).aud).toBe(GRAPH);
    const auth = { Authorization: `Bearer ${refreshed.body.access_token}` };

    const me = await call(emu, 'GET', '/graph/v1.0/me', { headers: auth });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      displayName: 'Frank Example',
      givenName: 'Frank',
      surname: 'Example',
      mail: 'frank@example.com',
      userPrincipalName: `${FRANK_ID}@${CIAM_TENANT}`,
      id: FRANK_ID,
    });
    const self = await call(emu, 'GET', `/graph/v1.0/users/${FRANK_ID}@${CIAM_TENANT}`, {
      headers: auth,
    });
    expect(self.body.id).toBe(FRANK_ID);
    // Workforce users are another tenant's; app registration is not theirs.
    expect(
      (await call(emu, 'GET', `/graph/v1.0/users/${ALICE_ID}`, { headers: auth })).status,
    ).toBe(403);
    expect((await call(emu, 'GET', '/graph/v1.0/applications', { headers: auth })).status).toBe(
      403,
    );
  });

  it('Azure AD B2C user flows have no Graph permission: AADB2C90117', async () => {
    const base = `${emu.url}/obodevb2c.onmicrosoft.com/B2C_1_susi`;
    const res = await call(
      emu,
      'GET',
      authorizeUrl(base, '0b0eb2c0-0000-4000-8000-000000000101', `${USER_READ} openid`).replace(
        emu.url,
        '',
      ),
    );
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get('error_description')).toMatch(/^AADB2C90117/);
  });
});
