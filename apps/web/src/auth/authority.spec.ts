import { loadWebConfig } from '@obo/config';
import { offlineConfig } from '../test/config';
import { authorityFor, endSessionUrl } from './authority';

describe('authorityFor', () => {
  it('uses the configured authority for sign-in (emulator/Entra/CIAM)', () => {
    const { identity } = offlineConfig();
    expect(authorityFor(identity)).toBe(identity.authority);
    expect(authorityFor(identity, 'resetPassword')).toBeUndefined();
  });

  it('picks the B2C user flow per purpose', () => {
    const { identity } = loadWebConfig({
      env: {
        B2C_TENANT_NAME: 'contoso',
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        EDITPROFILE_USER_FLOW: 'B2C_1_edit',
        RESETPASSWORD_USER_FLOW: 'B2C_1_reset',
        AZURE_CLIENT_ID: '0b0e0000-0000-4000-8000-000000000999',
        AZURE_CLIENT_SECRET: 'test-secret',
        API_SCOPES: 'https://contoso.onmicrosoft.com/api/access_as_user',
      },
      envFile: false,
    });
    expect(authorityFor(identity)).toBe(
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi',
    );
    expect(authorityFor(identity, 'editProfile')).toBe(
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_edit',
    );
    expect(authorityFor(identity, 'resetPassword')).toBe(
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_reset',
    );
  });
});

describe('endSessionUrl', () => {
  it('builds the v2 end-session URL', () => {
    const url = new URL(
      endSessionUrl('https://login.example/tenant/', {
        postLogoutRedirectUri: 'http://localhost:3000/',
        clientId: 'client',
        logoutHint: 'hint',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://login.example/tenant/oauth2/v2.0/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      post_logout_redirect_uri: 'http://localhost:3000/',
      client_id: 'client',
      logout_hint: 'hint',
    });
  });
});
