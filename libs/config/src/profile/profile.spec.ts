import { createTokenValidator } from '@obo/token-validation';
import { loadApiConfig } from '../apps/api';
import { loadWebConfig } from '../apps/web';
import { EMULATOR_DEFAULTS } from '../emulator-defaults';
import { usesEmulatorProfile } from '../identity';
import { describeConfig } from '../secret';
import { selfSignedCertificate, tempDir, writeCaFile } from '../test/fixtures';

const dir = tempDir();
const caPath = writeCaFile(dir, selfSignedCertificate(dir).certPem);

const TENANT = '11111111-2222-4333-8444-555555555555';
const OTHER_TENANT = '99999999-2222-4333-8444-555555555555';
const CLIENT = {
  AZURE_CLIENT_ID: '22222222-3333-4444-8555-666666666666',
  AZURE_CLIENT_SECRET: 's',
};
const SETTINGS = {
  audiences: ['api://x'],
  allowedTenants: [TENANT],
  acceptV1: false,
  clockSkewSeconds: 120,
};

const load = (env: Record<string, string>) => loadApiConfig({ env, envFile: false, cwd: dir });

const profiles = {
  emulator: () => load({ EXTRA_CA_CERTS: caPath }).identity,
  entra: () => load({ AZURE_TENANT_ID: TENANT, ...CLIENT }).identity,
  b2c: () =>
    loadWebConfig({
      env: {
        B2C_TENANT_NAME: 'contoso',
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        EDITPROFILE_USER_FLOW: 'B2C_1_edit',
        RESETPASSWORD_USER_FLOW: 'B2C_1_reset',
        API_SCOPES: 'https://contoso.onmicrosoft.com/api/access_as_user',
        ...CLIENT,
      },
      envFile: false,
      cwd: dir,
    }).identity,
  ciam: () =>
    load({ AUTHORITY: 'https://contoso.ciamlogin.com/', ALLOWED_TENANTS: TENANT, ...CLIENT })
      .identity,
};

describe('IdentityProfile', () => {
  it.each([
    ['emulator', { isEmulator: true, customerTenant: false, supportsObo: true }],
    ['entra', { isEmulator: false, customerTenant: false, supportsObo: true }],
    ['b2c', { isEmulator: false, customerTenant: true, supportsObo: false }],
    ['ciam', { isEmulator: false, customerTenant: true, supportsObo: true }],
  ] as const)('knows what kind of tenant it is: %s', (kind, facts) => {
    const identity = profiles[kind]();
    expect(identity).toMatchObject({ kind, ...facts });
    // The kind is printed with the rest of the config (display and logs only).
    expect(JSON.parse(describeConfig(identity)).kind).toBe(kind);
  });

  describe('signInAuthority', () => {
    it.each(['emulator', 'entra', 'ciam'] as const)(
      '%s: one authority, no other user flows',
      (kind) => {
        const identity = profiles[kind]();
        expect(identity.signInAuthority()).toBe(identity.authority);
        expect(identity.signInAuthority('editProfile')).toBeUndefined();
        expect(identity.signInAuthority('resetPassword')).toBeUndefined();
      },
    );

    it('b2c: one authority per configured user flow', () => {
      const identity = profiles.b2c();
      const base = 'https://contoso.b2clogin.com/contoso.onmicrosoft.com';
      expect(identity.signInAuthority()).toBe(`${base}/B2C_1_susi`);
      expect(identity.signInAuthority('editProfile')).toBe(`${base}/B2C_1_edit`);
      expect(identity.signInAuthority('resetPassword')).toBe(`${base}/B2C_1_reset`);
    });

    it('b2c: an unconfigured user flow has no authority', () => {
      const identity = loadWebConfig({
        env: {
          B2C_TENANT_NAME: 'contoso',
          SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
          API_SCOPES: 'https://contoso.onmicrosoft.com/api/access_as_user',
          ...CLIENT,
        },
        envFile: false,
        cwd: dir,
      }).identity;
      expect(identity.signInAuthority('editProfile')).toBeUndefined();
      expect(identity.signInAuthority('resetPassword')).toBeUndefined();
    });
  });

  it('builds the v2 end-session URL of the sign-in authority', () => {
    const identity = profiles.b2c();
    const url = new URL(
      identity.endSessionUrl({
        postLogoutRedirectUri: 'http://localhost:3000/',
        clientId: 'client',
        logoutHint: 'hint',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/logout',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      post_logout_redirect_uri: 'http://localhost:3000/',
      client_id: 'client',
      logout_hint: 'hint',
    });
    const plain = new URL(
      profiles.entra().endSessionUrl({ postLogoutRedirectUri: 'http://x/', clientId: 'c' }),
    );
    expect(plain.searchParams.has('logout_hint')).toBe(false);
  });

  describe('oboAuthority', () => {
    it.each(['emulator', 'entra'] as const)(
      '%s: the caller’s own tenant, and none without one',
      (kind) => {
        const identity = profiles[kind]();
        expect(identity.oboAuthority(OTHER_TENANT)).toBe(
          `${identity.authorityHost}/${OTHER_TENANT}`,
        );
        expect(identity.oboAuthority(undefined)).toBeUndefined();
      },
    );

    it.each(['b2c', 'ciam'] as const)('%s: the configured authority, tid or not', (kind) => {
      const identity = profiles[kind]();
      expect(identity.oboAuthority(undefined)).toBe(identity.authority);
      expect(identity.oboAuthority(OTHER_TENANT)).toBe(identity.authority);
    });
  });

  describe('tokenValidation', () => {
    it('emulator: workforce issuers and keys per tenant, the emulator CA trusted', () => {
      const identity = profiles.emulator();
      const options = identity.tokenValidation(SETTINGS);
      expect(options).toEqual({
        audiences: ['api://x'],
        clockToleranceSeconds: 120,
        ca: identity.extraCa?.pem,
        jwksUri: 'https://localhost:8443/{tenantid}/discovery/v2.0/keys',
        issuers: ['https://localhost:8443/{tenantid}/v2.0'],
        allowedTenants: [TENANT],
      });
      expect(() => createTokenValidator(options)).not.toThrow();
    });

    it('entra: the v1 issuer only when v1 tokens are accepted', () => {
      const identity = profiles.entra();
      expect(identity.tokenValidation(SETTINGS).issuers).toEqual([
        'https://login.microsoftonline.com/{tenantid}/v2.0',
      ]);
      expect(identity.tokenValidation({ ...SETTINGS, acceptV1: true }).issuers).toEqual([
        'https://login.microsoftonline.com/{tenantid}/v2.0',
        'https://sts.windows.net/{tenantid}/',
      ]);
      expect(identity.tokenValidation(SETTINGS).ca).toBeUndefined();
    });

    it('b2c: one issuer per tenant GUID, keys of the sign-up/sign-in flow, no tid required', () => {
      const options = profiles.b2c().tokenValidation({
        ...SETTINGS,
        allowedTenants: ['contoso.onmicrosoft.com', TENANT],
      });
      expect(options).toMatchObject({
        jwksUri:
          'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/discovery/v2.0/keys',
        issuers: [`https://contoso.b2clogin.com/${TENANT}/v2.0/`],
        requireTenantId: false,
      });
      expect(options.allowedTenants).toBeUndefined();
      expect(() => createTokenValidator(options)).not.toThrow();
    });

    it('b2c: refuses tenants without a GUID (its issuers name it)', () => {
      expect(() =>
        profiles
          .b2c()
          .tokenValidation({ ...SETTINGS, allowedTenants: ['contoso.onmicrosoft.com'] }),
      ).toThrow(/ALLOWED_TENANTS/);
    });

    it('ciam: the ciamlogin.com issuer template, the tenant GUIDs allowed', () => {
      const options = profiles.ciam().tokenValidation({
        ...SETTINGS,
        allowedTenants: ['contoso.onmicrosoft.com', TENANT],
      });
      expect(options).toMatchObject({
        jwksUri: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/discovery/v2.0/keys',
        issuers: ['https://{tenantid}.ciamlogin.com/{tenantid}/v2.0'],
        allowedTenants: [TENANT],
      });
      expect(options.requireTenantId).toBeUndefined();
      expect(() => createTokenValidator(options)).not.toThrow();
    });

    it('ciam on a loopback host (the emulator): issuers on that host', () => {
      const identity = load({
        AUTHORITY: 'https://127.0.0.1:8443/obodevciam.onmicrosoft.com',
        ALLOWED_TENANTS: TENANT,
        ...CLIENT,
      }).identity;
      expect(identity.tokenValidation(SETTINGS).issuers).toEqual([
        'https://127.0.0.1:8443/{tenantid}/v2.0',
      ]);
    });
  });
});

describe('usesEmulatorProfile', () => {
  it('is true when nothing names a tenant', () => {
    expect(usesEmulatorProfile({})).toBe(true);
    expect(usesEmulatorProfile({ IDENTITY_PROFILE: 'emulator', AZURE_TENANT_ID: TENANT })).toBe(
      true,
    );
  });

  it.each([
    { AZURE_TENANT_ID: TENANT },
    { AZURE_CLIENT_ID: EMULATOR_DEFAULTS.web.clientId },
    { B2C_TENANT_NAME: 'contoso' },
    { AUTHORITY: 'https://contoso.ciamlogin.com/' },
    { IDENTITY_PROFILE: 'entra' },
  ])('is false when %p names one', (env) => {
    expect(usesEmulatorProfile(env)).toBe(false);
  });
});
