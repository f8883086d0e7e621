import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadApiConfig } from './apps/api';
import { Secret } from './secret';
import { emulatorAuthorityMetadata, msalCredential } from './msal';
import { selfSignedCertificate, tempDir, writeCaFile } from './test/fixtures';
import { EMULATOR_DEFAULTS } from './emulator-defaults';

const dir = tempDir();
const caPath = writeCaFile(dir, selfSignedCertificate(dir).certPem);

describe('IdentityProfile.msalAuth', () => {
  it('gives MSAL the emulator metadata inline so nothing is discovered over the network', () => {
    const config = loadApiConfig({ env: { EXTRA_CA_CERTS: caPath }, envFile: false, cwd: dir });
    const options = config.identity.msalAuth(config.client);
    const authority = `https://localhost:8443/${EMULATOR_DEFAULTS.tenantId}`;
    expect(options).toMatchObject({
      clientId: EMULATOR_DEFAULTS.api.clientId,
      authority,
      knownAuthorities: ['localhost:8443'],
      clientSecret: EMULATOR_DEFAULTS.api.clientSecret,
    });
    expect(JSON.parse(options.authorityMetadata ?? '{}')).toEqual(
      emulatorAuthorityMetadata(authority),
    );
  });

  it('uses the authority it is given (the API passes the token’s tenant)', () => {
    const config = loadApiConfig({ env: { EXTRA_CA_CERTS: caPath }, envFile: false, cwd: dir });
    const other = 'https://localhost:8443/99999999-2222-4333-8444-555555555555';
    const options = config.identity.msalAuth(config.client, other);
    expect(options.authority).toBe(other);
    expect(JSON.parse(options.authorityMetadata ?? '{}').token_endpoint).toBe(
      `${other}/oauth2/v2.0/token`,
    );
  });

  it('supplies the metadata inline for a B2C user flow or CIAM authority on a loopback host', () => {
    const b2c = loadApiConfig({
      env: {
        B2C_TENANT_NAME: 'obodevb2c',
        B2C_HOST: 'https://localhost:8443',
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        AZURE_CLIENT_ID: EMULATOR_DEFAULTS.api.clientId,
        AZURE_CLIENT_SECRET: 's',
        ALLOWED_TENANTS: '0b0eb2c0-0000-4000-8000-000000000001',
      },
      envFile: false,
      cwd: dir,
    });
    const options = b2c.identity.msalAuth(b2c.client);
    expect(options.knownAuthorities).toEqual(['localhost:8443']);
    expect(JSON.parse(options.authorityMetadata ?? '{}').token_endpoint).toBe(
      'https://localhost:8443/obodevb2c.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/token',
    );
    const ciam = loadApiConfig({
      env: {
        AUTHORITY: 'https://127.0.0.1:8443/obodevciam.onmicrosoft.com',
        AZURE_CLIENT_ID: EMULATOR_DEFAULTS.api.clientId,
        AZURE_CLIENT_SECRET: 's',
        ALLOWED_TENANTS: '0b0ec1a0-0000-4000-8000-000000000001',
      },
      envFile: false,
      cwd: dir,
    });
    expect(
      JSON.parse(ciam.identity.msalAuth(ciam.client).authorityMetadata ?? '{}')
        .authorization_endpoint,
    ).toBe('https://127.0.0.1:8443/obodevciam.onmicrosoft.com/oauth2/v2.0/authorize');
  });

  it('leaves discovery to MSAL for a real B2C tenant', () => {
    const config = loadApiConfig({
      env: {
        B2C_TENANT_NAME: 'contoso',
        SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
        AZURE_CLIENT_ID: EMULATOR_DEFAULTS.api.clientId,
        AZURE_CLIENT_SECRET: 's',
        ALLOWED_TENANTS: '11111111-2222-4333-8444-555555555555',
      },
      envFile: false,
      cwd: dir,
    });
    expect(config.identity.msalAuth(config.client).authorityMetadata).toBeUndefined();
  });

  it('leaves discovery to MSAL for a real tenant', () => {
    const config = loadApiConfig({
      env: {
        AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
        AZURE_CLIENT_ID: EMULATOR_DEFAULTS.api.clientId,
        AZURE_CLIENT_SECRET: 's',
      },
      envFile: false,
      cwd: dir,
    });
    expect(config.identity.msalAuth(config.client).authorityMetadata).toBeUndefined();
  });
});

describe('msalCredential', () => {
  it('maps a secret', () => {
    expect(msalCredential({ kind: 'secret', secret: new Secret('s3') })).toEqual({
      clientSecret: 's3',
    });
  });

  it('maps a certificate to thumbprintSha256, key and x5c', () => {
    expect(
      msalCredential({
        kind: 'certificate',
        path: 'p',
        privateKey: new Secret('KEY'),
        thumbprintSha256: 'ab',
        x5c: 'CHAIN',
      }),
    ).toEqual({ clientCertificate: { thumbprintSha256: 'ab', privateKey: 'KEY', x5c: 'CHAIN' } });
  });

  it('re-reads a federated token file on every call', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first\n');
    const { clientAssertion } = msalCredential({ kind: 'federated', tokenFile: file });
    if (typeof clientAssertion !== 'function') throw new Error('expected a callback');
    const request = { clientId: 'c', tokenEndpoint: 't' };
    expect(await clientAssertion(request)).toBe('first');
    writeFileSync(file, 'rotated');
    expect(await clientAssertion(request)).toBe('rotated');
  });
});
