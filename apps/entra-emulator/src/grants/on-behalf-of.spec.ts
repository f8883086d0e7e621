import type { RunningEmulator } from '../emulator';
import {
  ALICE,
  API,
  call,
  CAROL,
  claimsOf,
  DAEMON,
  obo,
  startTestEmulator,
  TENANT,
  tokenPath,
  userTokenForApi,
  WEB,
} from '../../test/helpers';

describe('On-Behalf-Of grant', () => {
  let emu: RunningEmulator;
  let alice: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
    alice = await userTokenForApi(emu, ALICE);
  });
  afterAll(() => emu.stop());

  it('exchanges a user token for a v1 ARM token with client_info, id and refresh tokens', async () => {
    const res = await obo(emu, alice);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      // As Entra answers: the resource's permissions only (no OIDC scopes for a non-Graph token).
      scope: 'https://management.azure.com/user_impersonation',
    });
    expect(res.body.expires_in).toBeGreaterThanOrEqual(300);
    expect(res.body.refresh_token).toBeDefined();
    expect(res.body.id_token).toBeDefined();
    const user = claimsOf(alice);
    expect(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString())).toEqual({
      uid: user.oid,
      utid: TENANT,
    });
    expect(claimsOf(res.body.access_token)).toMatchObject({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${TENANT}/`,
      oid: user.oid,
      tid: TENANT,
      scp: 'user_impersonation',
      appid: API.clientId,
      appidacr: '1',
      upn: ALICE,
      unique_name: ALICE,
      ver: '1.0',
    });
    expect(emu.counters().token.on_behalf_of).toBe(1);
  });

  it('refuses an assertion with a bad signature (AADSTS50013)', async () => {
    const forged = emu.mintToken({ ...claimsOf(alice) }, { untrustedKey: true });
    const res = await obo(emu, forged);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant', error_codes: [50013] });
  });

  it('refuses an expired assertion (AADSTS500133)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = emu.mintToken({
      ...claimsOf(alice),
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 3600,
    });
    const res = await obo(emu, expired);
    expect(res.body.error_codes).toEqual([500133]);
  });

  it('refuses an assertion for another audience (AADSTS50013)', async () => {
    const res = await obo(emu, emu.mintToken({ ...claimsOf(alice), aud: WEB.clientId }));
    expect(res.body.error_codes).toEqual([50013]);
    expect(res.body.error_description).toMatch(/audience/);
  });

  it('refuses an assertion from another issuer (AADSTS50013)', async () => {
    const res = await obo(
      emu,
      emu.mintToken({ ...claimsOf(alice), iss: 'https://login.microsoftonline.com/other/v2.0' }),
    );
    expect(res.body.error_codes).toEqual([50013]);
  });

  it('refuses an app-only assertion', async () => {
    const app = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
      },
    });
    const res = await obo(emu, app.body.access_token);
    expect(res.status).toBe(400);
    expect(res.body.error_codes).toEqual([50013]);
    expect(res.body.error_description).toMatch(/application-only/);
  });

  it('refuses a malformed or missing assertion', async () => {
    expect((await obo(emu, 'not-a-jwt')).body.error_codes).toEqual([50027]);
    expect((await obo(emu, '')).body.error_codes).toEqual([900144]);
  });

  it('requires consent for a resource the middle tier does not list (AADSTS65001, suberror consent_required)', async () => {
    const res = await obo(emu, alice, { scope: 'https://graph.microsoft.com/User.Read' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_grant',
      error_codes: [65001],
      suberror: 'consent_required',
    });
  });

  it('MFA: carol is challenged; capolids or acrs in claims, or mfa in amr, satisfy it', async () => {
    const carol = await userTokenForApi(emu, CAROL);
    const challenged = await obo(emu, carol);
    expect(challenged.body).toMatchObject({ error: 'interaction_required', error_codes: [50076] });
    const claims = challenged.body.claims as string;
    expect(JSON.parse(claims)).toEqual({
      access_token: { capolids: { essential: true, values: [emu.seed.conditionalAccess[0].id] } },
    });

    const withCapolids = await obo(emu, carol, { claims });
    expect(withCapolids.status).toBe(200);
    expect(claimsOf(withCapolids.body.access_token).amr).toEqual(['pwd', 'mfa']);

    const acrs = JSON.stringify({
      access_token: { acrs: { essential: true, value: 'c1', values: ['c1'] } },
    });
    const withAcrs = await obo(emu, carol, { claims: acrs });
    expect(claimsOf(withAcrs.body.access_token)).toMatchObject({
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
    });

    const stepped = emu.mintToken({ ...claimsOf(carol), amr: ['pwd', 'mfa'] });
    expect((await obo(emu, stepped)).status).toBe(200);

    const wrongPolicy = JSON.stringify({
      access_token: {
        capolids: { essential: true, values: ['00000000-0000-0000-0000-000000000000'] },
      },
    });
    expect((await obo(emu, carol, { claims: wrongPolicy })).body.error_codes).toEqual([50076]);
  });

  it('keeps the identifier asked for as the v1 audience (management.core.windows.net)', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: API.clientId,
        client_secret: API.clientSecret,
        assertion: alice,
        scope: 'https://management.core.windows.net//user_impersonation',
      },
    });
    expect(claimsOf(res.body.access_token).aud).toBe('https://management.core.windows.net/');
  });

  it('requires requested_token_use with the jwt-bearer grant', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: API.clientId,
        client_secret: API.clientSecret,
        assertion: alice,
        scope: 'x',
      },
    });
    expect(res.body.error_codes).toEqual([900144]);
  });
});
