import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../emulator';
import { signJwt } from '../jwt';
import { loadSeed } from '../seed/load';
import {
  ALICE,
  API,
  API_SCOPE,
  ARM_SCOPE,
  call,
  CAROL,
  certificate,
  claimsOf,
  DAEMON,
  PASSWORD,
  startTestEmulator,
  TENANT,
  tokenPath,
  WEB,
} from '../../test/helpers';

const CERT_APP = '0b0e0000-0000-4000-8000-000000000401';
const FIC_APP = '0b0e0000-0000-4000-8000-000000000501';
const FIC_ISSUER = 'https://token.actions.example.test';
const REMOTE_FIC_APP = '0b0e0000-0000-4000-8000-000000000502';

describe('token endpoint grants and client authentication', () => {
  let emu: RunningEmulator;
  const cert = certificate();
  const fic = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const form = (f: Record<string, string>, headers?: Record<string, string>) =>
    call(emu, 'POST', tokenPath(), { form: f, headers });

  const issuerServer = createServer((req, res) => {
    const base = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/keys` }));
    } else {
      res.end(
        JSON.stringify({ keys: [{ ...fic.publicKey.export({ format: 'jwk' }), kid: 'remote-1' }] }),
      );
    }
  });
  let remoteIssuer = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
    remoteIssuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    const seed = loadSeed();
    seed.apps.push(
      {
        ...seed.apps[2],
        displayName: 'Cert app',
        clientId: CERT_APP,
        secrets: [],
        certificates: [cert.pem],
      },
      {
        ...seed.apps[2],
        displayName: 'Workload identity app',
        clientId: FIC_APP,
        secrets: [],
        federatedCredentials: [
          {
            issuer: FIC_ISSUER,
            subject: 'repo:obo/app:ref:refs/heads/main',
            audiences: ['api://AzureADTokenExchange'],
            jwks: {
              keys: [{ ...fic.publicKey.export({ format: 'jwk' }), kid: 'fic-1', use: 'sig' }],
            },
          },
        ],
      },
    );
    seed.apps.push({
      ...seed.apps[2],
      displayName: 'Remote issuer app',
      clientId: REMOTE_FIC_APP,
      secrets: [],
      federatedCredentials: [
        {
          issuer: remoteIssuer,
          subject: 'system:serviceaccount:obo:api',
          audiences: ['api://AzureADTokenExchange'],
        },
      ],
    });
    emu = await startTestEmulator({ seed });
  });
  afterAll(async () => {
    await emu.stop();
    await new Promise((resolve) => issuerServer.close(resolve));
  });

  describe('client_credentials', () => {
    const cc = (extra: Record<string, string> = {}) =>
      form({
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
        ...extra,
      });

    it('issues an app token with roles, idtyp and no refresh token', async () => {
      const res = await cc();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
      });
      expect(res.body.refresh_token).toBeUndefined();
      const claims = claimsOf(res.body.access_token);
      expect(claims).toMatchObject({
        aud: API.clientId,
        azp: DAEMON.clientId,
        azpacr: '1',
        idtyp: 'app',
        roles: ['Subscriptions.Read.All'],
        tid: TENANT,
        ver: '2.0',
      });
      expect(claims.oid).toBe(claims.sub);
      expect(claims.scp).toBeUndefined();
    });

    it('accepts client_secret_basic', async () => {
      const basic = Buffer.from(
        `${encodeURIComponent(DAEMON.clientId)}:${encodeURIComponent(DAEMON.clientSecret)}`,
      ).toString('base64');
      const res = await form(
        { grant_type: 'client_credentials', scope: `api://${API.clientId}/.default` },
        { Authorization: `Basic ${basic}` },
      );
      expect(res.status).toBe(200);
    });

    it('refuses a scope without /.default (AADSTS1002012)', async () => {
      const res = await cc({ scope: API_SCOPE });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    });

    it('refuses a bad secret with 401 invalid_client (AADSTS7000215)', async () => {
      const res = await cc({ client_secret: 'wrong' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
      expect(res.body.error_description).not.toContain('wrong');
    });

    it('refuses an unknown client (AADSTS700016) and a missing credential (AADSTS7000218)', async () => {
      const unknown = await cc({ client_id: randomUUID() });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
      const missing = await form({
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        scope: `api://${API.clientId}/.default`,
      });
      expect(missing.status).toBe(401);
      expect(missing.body.error_codes).toEqual([7000218]);
    });

    it('issues v1 ARM tokens for the management.core.windows.net audience', async () => {
      const res = await cc({ scope: 'https://management.core.windows.net//.default' });
      expect(claimsOf(res.body.access_token)).toMatchObject({
        aud: 'https://management.core.windows.net/',
        iss: `https://sts.windows.net/${TENANT}/`,
        ver: '1.0',
        appid: DAEMON.clientId,
      });
    });
  });

  describe('private_key_jwt and federated credentials', () => {
    const tokenUrl = () => `${emu.url}${tokenPath()}`;
    const now = () => Math.floor(Date.now() / 1000);
    const certAssertion = (overrides: Record<string, unknown> = {}, key = cert.privateKey) =>
      signJwt(
        {
          aud: tokenUrl(),
          iss: CERT_APP,
          sub: CERT_APP,
          jti: randomUUID(),
          nbf: now(),
          exp: now() + 600,
          ...overrides,
        },
        key,
        { 'x5t#S256': cert.x5tS256 },
      );
    const assertionForm = (clientId: string, assertion: string) => ({
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: `api://${API.clientId}/.default`,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });

    it('accepts an assertion signed by the registered certificate (azpacr 2)', async () => {
      const res = await form(assertionForm(CERT_APP, certAssertion()));
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).azpacr).toBe('2');
    });

    it('refuses a wrong key (700027), an expired assertion (700024) and a wrong audience (700212)', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      expect(
        (await form(assertionForm(CERT_APP, certAssertion({}, other)))).body.error_codes,
      ).toEqual([700027]);
      expect(
        (await form(assertionForm(CERT_APP, certAssertion({ exp: now() - 3600 })))).body
          .error_codes,
      ).toEqual([700024]);
      const wrongAud = await form(
        assertionForm(CERT_APP, certAssertion({ aud: 'https://elsewhere/token' })),
      );
      expect(wrongAud.status).toBe(401);
      expect(wrongAud.body.error_codes).toEqual([700212]);
    });

    const ficAssertion = (overrides: Record<string, unknown> = {}) =>
      signJwt(
        {
          iss: FIC_ISSUER,
          sub: 'repo:obo/app:ref:refs/heads/main',
          aud: 'api://AzureADTokenExchange',
          nbf: now(),
          exp: now() + 600,
          ...overrides,
        },
        fic.privateKey,
        { kid: 'fic-1' },
      );

    it('accepts a federated assertion from the trusted issuer', async () => {
      const res = await form(assertionForm(FIC_APP, ficAssertion()));
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).azp).toBe(FIC_APP);
    });

    it("fetches the issuer's keys through its discovery document when none are inline", async () => {
      const assertion = signJwt(
        {
          iss: remoteIssuer,
          sub: 'system:serviceaccount:obo:api',
          aud: 'api://AzureADTokenExchange',
          nbf: now(),
          exp: now() + 600,
        },
        fic.privateKey,
        { kid: 'remote-1' },
      );
      const res = await form(assertionForm(REMOTE_FIC_APP, assertion));
      expect(res.status).toBe(200);
    });

    it('refuses an unknown subject (70021) and a wrong audience (700212)', async () => {
      expect(
        (await form(assertionForm(FIC_APP, ficAssertion({ sub: 'repo:evil/app' })))).body
          .error_codes,
      ).toEqual([70021]);
      expect(
        (await form(assertionForm(FIC_APP, ficAssertion({ aud: 'api://other' })))).body.error_codes,
      ).toEqual([700212]);
    });
  });

  describe('password (ROPC)', () => {
    const ropc = (extra: Record<string, string> = {}) =>
      form({
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: ALICE,
        password: PASSWORD,
        scope: `${API_SCOPE} openid profile offline_access`,
        ...extra,
      });

    it('issues access, ID and refresh tokens with client_info', async () => {
      const res = await ropc();
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe(API_SCOPE);
      expect(res.body.refresh_token).toBeDefined();
      const access = claimsOf(res.body.access_token);
      expect(access).toMatchObject({
        aud: API.clientId,
        scp: 'access_as_user',
        preferred_username: ALICE,
        name: 'Alice Adams',
        amr: ['pwd'],
      });
      const id = claimsOf(res.body.id_token);
      expect(id).toMatchObject({
        aud: WEB.clientId,
        oid: access.oid,
        tid: TENANT,
        preferred_username: ALICE,
        ver: '2.0',
      });
      expect(id.nonce).toBeUndefined();
      expect(id.sub).not.toBe(
        claimsOf(
          (
            await ropc({
              client_id: API.clientId,
              client_secret: API.clientSecret,
              scope: 'openid',
            })
          ).body.id_token,
        ).sub,
      );
      expect(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString())).toEqual({
        uid: access.oid,
        utid: TENANT,
      });
    });

    it('refuses a bad password (AADSTS50126) and an invalid scope (AADSTS70011)', async () => {
      const bad = await ropc({ password: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
      const scope = await ropc({ scope: `api://${API.clientId}/nonexistent` });
      expect(scope.body).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
      const two = await ropc({ scope: `${API_SCOPE} ${ARM_SCOPE}` });
      expect(two.body.error_codes).toEqual([28000]);
    });

    it('challenges carol for MFA on ARM (AADSTS50076 + claims)', async () => {
      const res = await ropc({
        client_id: API.clientId,
        client_secret: API.clientSecret,
        username: CAROL,
        scope: ARM_SCOPE,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('interaction_required');
      expect(res.body.error_codes).toEqual([50076]);
      expect(JSON.parse(res.body.claims).access_token.capolids.values).toEqual([
        emu.seed.conditionalAccess[0].id,
      ]);
    });

    it('echoes client capabilities as xms_cc', async () => {
      const res = await ropc({
        claims: JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } }),
      });
      expect(claimsOf(res.body.access_token).xms_cc).toEqual(['cp1']);
    });
  });

  describe('refresh_token', () => {
    it('rotates, and replaying a redeemed token revokes the family (AADSTS70008)', async () => {
      const first = await form({
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: ALICE,
        password: PASSWORD,
        scope: `${API_SCOPE} offline_access`,
      });
      const refresh = (rt: string) =>
        form({
          grant_type: 'refresh_token',
          client_id: WEB.clientId,
          client_secret: WEB.clientSecret,
          refresh_token: rt,
          scope: `${API_SCOPE} offline_access`,
        });
      const second = await refresh(first.body.refresh_token);
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      const replay = await refresh(first.body.refresh_token);
      expect(replay.body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
      const revoked = await refresh(second.body.refresh_token);
      expect(revoked.body.error_codes).toEqual([70008]);
    });

    it('refuses a refresh token presented by another client', async () => {
      const first = await form({
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: ALICE,
        password: PASSWORD,
        scope: 'openid offline_access',
      });
      const res = await form({
        grant_type: 'refresh_token',
        client_id: API.clientId,
        client_secret: API.clientSecret,
        refresh_token: first.body.refresh_token,
      });
      expect(res.body.error).toBe('invalid_grant');
    });
  });

  it('refuses an unsupported grant type (AADSTS70003)', async () => {
    const res = await form({ grant_type: 'urn:example:magic', client_id: WEB.clientId });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unsupported_grant_type', error_codes: [70003] });
  });
});
