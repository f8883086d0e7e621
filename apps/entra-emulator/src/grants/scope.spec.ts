import type { RunningEmulator } from '../emulator';
import { EmulatorBrowser } from '../testing';
import {
  API,
  call,
  DAEMON,
  obo,
  passwordGrant,
  PASSWORD,
  startTestEmulator,
  tokenPath,
  userTokenForApi,
} from '../../test/helpers';

const CIAM = 'obodevciam.onmicrosoft.com';
const CIAM_WEB = {
  client_id: '0b0ec1a0-0000-4000-8000-000000000101',
  client_secret: 'obo-ciam-web-dev-secret-not-for-production',
};
const CIAM_API = {
  client_id: '0b0ec1a0-0000-4000-8000-000000000201',
  client_secret: 'obo-ciam-api-dev-secret-not-for-production',
};
const CIAM_API_URI = 'api://0b0ec1a0-0000-4000-8000-000000000201';
const REDIRECT = 'http://localhost:3000/auth/redirect';

/**
 * The token response's `scope`, as Entra writes it: the permissions granted, then the
 * `.default` the client asked for with the resource prefix exactly as the client wrote it
 * (Entra answers the Azure CLI's `https://management.core.windows.net//.default` with
 * `…net//user_impersonation …net//.default`). MSAL stores the token under these scopes and
 * matches later requests against them, so both halves matter. Client credentials: no `scope`.
 */
describe('the token response scope', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it('lists the granted permissions of a .default request, then the .default asked for', async () => {
    const res = await passwordGrant(emu, `api://${API.clientId}/.default openid profile`);
    expect(res.body.scope).toBe(
      `api://${API.clientId}/access_as_user api://${API.clientId}/.default`,
    );
  });

  it('names OIDC scopes only for a Microsoft Graph token (they are Graph permissions)', async () => {
    const ropc = (scope: string) => passwordGrant(emu, scope);
    expect((await ropc('openid profile offline_access User.Read')).body.scope).toBe(
      'openid profile https://graph.microsoft.com/User.Read',
    );
    expect((await ropc('openid profile email')).body.scope).toBe(
      'openid profile email https://graph.microsoft.com/User.Read',
    );
    expect((await ropc(`api://${API.clientId}/access_as_user openid profile`)).body.scope).toBe(
      `api://${API.clientId}/access_as_user`,
    );
  });

  it.each([
    ['https://management.core.windows.net//.default', 'https://management.core.windows.net/'],
    ['https://management.azure.com/.default', 'https://management.azure.com'],
    ['https://management.azure.com//.default', 'https://management.azure.com/'],
  ])('OBO for %s echoes the prefix as written', async (scope, prefix) => {
    const res = await obo(emu, await userTokenForApi(emu), { scope });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe(`${prefix}/user_impersonation ${prefix}/.default`);
  });

  it('names only the permission when a permission was asked for', async () => {
    const res = await obo(emu, await userTokenForApi(emu), {
      scope: 'https://management.azure.com/user_impersonation',
    });
    expect(res.body.scope).toBe('https://management.azure.com/user_impersonation');
  });

  it('client credentials answer without a scope, as Entra does', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('scope');
  });

  describe('External ID', () => {
    const signIn = async (scope: string) => {
      const url = new URL(`${emu.url}/${CIAM}/oauth2/v2.0/authorize`);
      Object.entries({
        client_id: CIAM_WEB.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope,
      }).forEach(([k, v]) => url.searchParams.set(k, v));
      const result = await new EmulatorBrowser(emu.caCert).signIn(url.toString(), {
        username: 'frank@example.com',
        password: PASSWORD,
      });
      return call(emu, 'POST', `/${CIAM}/oauth2/v2.0/token`, {
        form: {
          ...CIAM_WEB,
          grant_type: 'authorization_code',
          code: result.params.code,
          redirect_uri: REDIRECT,
        },
      });
    };

    it('signs in for {api}/.default and lists what it granted', async () => {
      const res = await signIn(`${CIAM_API_URI}/.default openid offline_access`);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe(`${CIAM_API_URI}/access_as_user ${CIAM_API_URI}/.default`);
    });

    it('OBO to ARM with .default lists user_impersonation and the .default', async () => {
      const user = await signIn(`${CIAM_API_URI}/access_as_user openid`);
      const res = await call(emu, 'POST', `/${CIAM}/oauth2/v2.0/token`, {
        form: {
          ...CIAM_API,
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          assertion: user.body.access_token,
          scope: 'https://management.azure.com/.default',
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe(
        'https://management.azure.com/user_impersonation https://management.azure.com/.default',
      );
    });
  });
});
