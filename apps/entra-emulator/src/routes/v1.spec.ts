import type { RunningEmulator } from '../emulator';
import { EmulatorBrowser } from '../testing';
import {
  ALICE,
  API,
  call,
  claimsOf,
  DAEMON,
  PASSWORD,
  startTestEmulator,
  TENANT,
  userTokenForApi,
  WEB,
} from '../../test/helpers';

const REDIRECT = 'http://localhost:3000/auth/redirect';
const API_URI = `api://${API.clientId}`;
const ARM = 'https://management.azure.com/';

/**
 * Entra's v1 endpoints, as the v1 discovery document advertises them: `resource` instead of
 * scopes, and v1 answers (`resource`, string times, bare permission names, v1 ID tokens).
 */
describe('v1 endpoints (/oauth2/authorize, /oauth2/token)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  const v1Token = (form: Record<string, string>) =>
    call(emu, 'POST', `/${TENANT}/oauth2/token`, { form });

  it('client credentials: a token for the resource, v1-shaped answer without scope', async () => {
    const res = await v1Token({
      grant_type: 'client_credentials',
      client_id: DAEMON.clientId,
      client_secret: DAEMON.clientSecret,
      resource: API_URI,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token_type: 'Bearer',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: expect.stringMatching(/^\d+$/),
      not_before: expect.stringMatching(/^\d+$/),
      resource: API_URI,
      access_token: expect.any(String),
    });
    expect(Number(res.body.expires_on) - Number(res.body.not_before)).toBe(3599);
    expect(claimsOf(res.body.access_token)).toMatchObject({
      aud: API.clientId,
      roles: ['Subscriptions.Read.All'],
    });
  });

  it('password: permissions by bare name, a refresh token and a v1 ID token', async () => {
    const res = await v1Token({
      grant_type: 'password',
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      username: ALICE,
      password: PASSWORD,
      resource: API_URI,
      scope: 'openid',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'access_as_user', resource: API_URI });
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(claimsOf(res.body.id_token)).toMatchObject({
      aud: WEB.clientId,
      iss: `https://sts.windows.net/${TENANT}/`,
      upn: ALICE,
      unique_name: ALICE,
      tid: TENANT,
      ver: '1.0',
    });
    const refreshed = await v1Token({
      grant_type: 'refresh_token',
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      refresh_token: res.body.refresh_token,
      resource: 'https://graph.microsoft.com',
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.id_token).toBeUndefined();
    expect(refreshed.body).toMatchObject({
      scope: 'User.Read',
      resource: 'https://graph.microsoft.com',
    });
    expect(claimsOf(refreshed.body.access_token).aud).toBe('https://graph.microsoft.com');
  });

  it('On-Behalf-Of with resource: an ARM token (scope user_impersonation)', async () => {
    const res = await v1Token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: API.clientId,
      client_secret: API.clientSecret,
      assertion: await userTokenForApi(emu),
      resource: ARM,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'user_impersonation', resource: ARM });
    expect(claimsOf(res.body.access_token)).toMatchObject({ aud: ARM, scp: 'user_impersonation' });
  });

  it('authorize with resource → code → token: signed in through the same pages', async () => {
    const url = `${emu.authority}/oauth2/authorize?${new URLSearchParams({
      client_id: WEB.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      resource: API_URI,
      state: 'v1-state',
    })}`;
    const signedIn = await new EmulatorBrowser(emu.caCert).signIn(url, {
      username: ALICE,
      password: PASSWORD,
    });
    expect(signedIn.params.state).toBe('v1-state');
    const res = await v1Token({
      grant_type: 'authorization_code',
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      code: signedIn.params.code,
      redirect_uri: REDIRECT,
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('access_as_user');
    expect(claimsOf(res.body.access_token).aud).toBe(API.clientId);
    expect(claimsOf(res.body.id_token).ver).toBe('1.0');
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });

  it('refuses a missing resource (AADSTS900144) and an unknown one (AADSTS500011)', async () => {
    const base = {
      grant_type: 'client_credentials',
      client_id: DAEMON.clientId,
      client_secret: DAEMON.clientSecret,
    };
    const missing = await v1Token(base);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
    const unknown = await v1Token({ ...base, resource: 'https://nowhere.example/' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
    const tenant = await call(emu, 'POST', '/contoso.onmicrosoft.com/oauth2/token', {
      form: { ...base, resource: API_URI },
    });
    expect(tenant.body.error_codes).toEqual([90002]);
    const get = await call(emu, 'GET', `/${TENANT}/oauth2/token`);
    expect(get.body.error_codes).toEqual([9002313]);
  });

  it('External ID: its v1 authorize and token say they are not emulated (400, not a 404)', async () => {
    const page = await call(emu, 'GET', '/obodevciam.onmicrosoft.com/oauth2/authorize');
    expect(page.status).toBe(400);
    expect(page.text).toContain('oauth2/v2.0/authorize');
    const token = await call(emu, 'POST', '/obodevciam.onmicrosoft.com/oauth2/token', {
      form: { grant_type: 'client_credentials' },
    });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe('invalid_request');
  });
});
