import { inspect } from 'node:util';
import { ServiceError } from '@obo/errors';
import { ConfigError } from '../errors';
import { findWorkspaceRoot } from '../env';
import { describeConfig } from '../secret';
import { EMULATOR_DEFAULTS } from '../emulator-defaults';
import { selfSignedCertificate, tempDir, writeCaFile } from '../test/fixtures';
import { loadApiConfig } from './api';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = tempDir();
const { certPem, keyPem } = selfSignedCertificate(dir);
const caPath = writeCaFile(dir, certPem);

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '22222222-3333-4444-8555-666666666666';
const SECRET = 'super-secret-value-that-must-never-print';

const load = (env: Record<string, string>) => loadApiConfig({ env, envFile: false, cwd: dir });

function issuesOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).issues.map((i) => [i.variable, i.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadApiConfig', () => {
  it('applies the emulator profile with the well-known API registration when nothing is set', () => {
    const config = load({ EXTRA_CA_CERTS: caPath });
    expect(config.identity.kind).toBe('emulator');
    expect(config.identity.isEmulator).toBe(true);
    expect(config.identity.defaulted).toBe(true);
    expect(config.client.clientId).toBe(EMULATOR_DEFAULTS.api.clientId);
    expect(config.identity.authority).toBe(`https://localhost:8443/${EMULATOR_DEFAULTS.tenantId}`);
    expect(config.arm).toEqual({
      endpoint: 'https://localhost:8443/arm',
      resource: 'https://management.azure.com/',
      scope: 'https://management.azure.com/.default',
    });
    expect(config.tokenValidation.audiences).toEqual([
      EMULATOR_DEFAULTS.api.clientId,
      `api://${EMULATOR_DEFAULTS.api.clientId}`,
    ]);
    expect(config.tokenValidation.allowedTenants).toEqual([EMULATOR_DEFAULTS.tenantId]);
    expect(config.port).toBe(4000);
    expect(config.identity.extraCa?.pem).toContain('BEGIN CERTIFICATE');
  });

  describe('customer tenants need the tenant GUID in ALLOWED_TENANTS', () => {
    const b2c = {
      B2C_TENANT_NAME: 'contoso',
      SIGNUPSIGNIN_USER_FLOW: 'B2C_1_susi',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    };
    const ciam = {
      AUTHORITY: 'https://contoso.ciamlogin.com/',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    };

    it('accepts b2c and ciam with a GUID', () => {
      expect(load({ ...b2c, ALLOWED_TENANTS: TENANT }).tokenValidation.allowedTenants).toEqual([
        TENANT,
      ]);
      expect(load({ ...ciam, ALLOWED_TENANTS: TENANT }).identity.kind).toBe('ciam');
    });

    it.each([
      ['b2c', b2c],
      ['ciam', ciam],
    ])('refuses %s without one (a domain is not enough)', (_name, env) => {
      expect(issuesOf(() => load(env)).ALLOWED_TENANTS).toMatch(/tenant id \(GUID\)/);
      expect(
        issuesOf(() => load({ ...env, ALLOWED_TENANTS: 'contoso.onmicrosoft.com' }))
          .ALLOWED_TENANTS,
      ).toMatch(/GUID/);
    });

    it('does not ask a workforce tenant for it', () => {
      const config = load({
        AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
        AZURE_CLIENT_ID: CLIENT,
        AZURE_CLIENT_SECRET: SECRET,
      });
      expect(config.tokenValidation.allowedTenants).toEqual(['contoso.onmicrosoft.com']);
    });
  });

  it('finds the emulator CA in EMULATOR_DATA_DIR by default', () => {
    const config = load({ EMULATOR_DATA_DIR: dir });
    expect(config.identity.extraCa?.path).toBe(join(dir, 'ca.pem'));
  });

  it('says to start the emulator when its CA is not there yet, in a checkout', () => {
    const checkout = findWorkspaceRoot(__dirname);
    const issues = issuesOf(() =>
      loadApiConfig({
        env: { EMULATOR_DATA_DIR: join(dir, 'nothing-here') },
        envFile: false,
        cwd: checkout,
      }),
    );
    expect(issues.EXTRA_CA_CERTS).toMatch(/npm run start:emulator/);
  });

  it('outside a checkout (a container) names EXTRA_CA_CERTS, not an npm script', () => {
    const issues = issuesOf(() => load({ EMULATOR_DATA_DIR: join(dir, 'nothing-here') }));
    expect(issues.EXTRA_CA_CERTS).toMatch(/set EXTRA_CA_CERTS/);
    expect(issues.EXTRA_CA_CERTS).not.toMatch(/npm/);
  });

  it('with nothing set in production, names only the refused profile (no emulator CA)', () => {
    expect(Object.keys(issuesOf(() => load({ NODE_ENV: 'production' })))).toEqual([
      'IDENTITY_PROFILE',
    ]);
  });

  it('configures a workforce tenant in the public cloud', () => {
    const config = load({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    });
    expect(config.identity.isEmulator).toBe(false);
    expect(config.identity.kind).toBe('entra');
    expect(config.identity.authority).toBe(`https://login.microsoftonline.com/${TENANT}`);
    expect(config.identity.knownAuthorities).toEqual([]);
    expect(config.arm.endpoint).toBe('https://management.azure.com');
    expect(config.identity.extraCa).toBeUndefined();
  });

  it.each([
    [
      'AzureUSGovernment',
      'https://login.microsoftonline.us',
      'https://management.usgovcloudapi.net',
    ],
    ['AzureChinaCloud', 'https://login.chinacloudapi.cn', 'https://management.chinacloudapi.cn'],
  ])('configures the %s cloud by name', (cloud, host, arm) => {
    const config = load({
      AZURE_CLOUD: cloud,
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    });
    expect(config.identity.authority).toBe(`${host}/${TENANT}`);
    expect(config.arm.endpoint).toBe(arm);
    expect(config.arm.scope).toBe(`${arm}/.default`);
  });

  it('infers the cloud from AZURE_AUTHORITY_HOST', () => {
    const config = load({
      AZURE_AUTHORITY_HOST: 'https://login.chinacloudapi.cn/',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    });
    expect(config.identity.cloud.name).toBe('AzureChinaCloud');
    expect(config.identity.authority).toBe(`https://login.chinacloudapi.cn/${TENANT}`);
  });

  it('trusts a custom authority host explicitly (knownAuthorities)', () => {
    const config = load({
      AZURE_AUTHORITY_HOST: 'https://login.contoso.test:8443',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    });
    expect(config.identity.knownAuthorities).toEqual(['login.contoso.test:8443']);
  });

  it('lists every missing variable of the entra profile in one error', () => {
    const issues = issuesOf(() => load({ IDENTITY_PROFILE: 'entra' }));
    expect(Object.keys(issues).sort()).toEqual([
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_TENANT_ID',
    ]);
  });

  it('fails as an unexposed server error of the workspace error model', () => {
    let thrown: unknown;
    try {
      load({ IDENTITY_PROFILE: 'entra' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceError);
    expect(thrown).toMatchObject({ code: 'ERR_CONFIG_INVALID', status: 500, expose: false });
    expect((thrown as Error).name).toBe('ConfigError');
  });

  it('names each invalid variable with what is expected', () => {
    const issues = issuesOf(() =>
      load({
        AZURE_TENANT_ID: 'not a tenant',
        AZURE_CLIENT_ID: 'nope',
        AZURE_CLOUD: 'Mars',
        PORT: 'eighty',
        REDIS_URL: 'http://redis',
        CLOCK_SKEW_SECONDS: '-1',
        ACCEPT_V1_TOKENS: 'maybe',
        ARM_ENDPOINT: 'ftp://arm',
        LOG_LEVEL: 'chatty',
      }),
    );
    expect(Object.keys(issues).sort()).toEqual(
      [
        'ACCEPT_V1_TOKENS',
        'ARM_ENDPOINT',
        'AZURE_CLIENT_ID',
        'AZURE_CLOUD',
        'AZURE_TENANT_ID',
        'CLOCK_SKEW_SECONDS',
        'LOG_LEVEL',
        'PORT',
        'REDIS_URL',
      ].sort(),
    );
    expect(issues.AZURE_CLIENT_ID).toMatch(/GUID/);
    expect(issues.AZURE_CLOUD).toMatch(/AzureUSGovernment|usgov/i);
  });

  it.each(['common', 'organizations', 'consumers'])('refuses %s as the tenant', (tenant) => {
    const issues = issuesOf(() =>
      load({ AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET }),
    );
    expect(Object.keys(issues)).toEqual(['AZURE_TENANT_ID']);
  });

  it('rejects CORS origins with a path', () => {
    const issues = issuesOf(() =>
      load({
        EXTRA_CA_CERTS: caPath,
        CORS_ALLOWED_ORIGINS: 'https://ok.test https://bad.test/path',
      }),
    );
    expect(Object.keys(issues)).toEqual(['CORS_ALLOWED_ORIGINS']);
  });

  describe('TOKEN_JOURNEY', () => {
    const tenant = {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: SECRET,
    };

    it('is on by default in the emulator profile and can be turned off', () => {
      expect(load({ EXTRA_CA_CERTS: caPath }).tokenJourney).toBe(true);
      expect(load({ EXTRA_CA_CERTS: caPath, TOKEN_JOURNEY: 'false' }).tokenJourney).toBe(false);
    });

    it('is off for a real tenant unless set explicitly in development', () => {
      expect(load(tenant).tokenJourney).toBe(false);
      expect(load({ ...tenant, TOKEN_JOURNEY: 'true' }).tokenJourney).toBe(true);
    });

    it('is off in production and refused when set to true there', () => {
      expect(load({ ...tenant, NODE_ENV: 'production' }).tokenJourney).toBe(false);
      const issues = issuesOf(() =>
        load({ ...tenant, NODE_ENV: 'production', TOKEN_JOURNEY: 'true' }),
      );
      expect(issues.TOKEN_JOURNEY).toMatch(/development only/);
      const allowed = load({
        NODE_ENV: 'production',
        EXTRA_CA_CERTS: caPath,
        ALLOW_EMULATOR_IN_PRODUCTION: 'true',
      });
      expect(allowed.tokenJourney).toBe(false);
    });

    it('rejects a value that is not a boolean', () => {
      expect(issuesOf(() => load({ ...tenant, TOKEN_JOURNEY: 'maybe' })).TOKEN_JOURNEY).toBe(
        'expected true or false',
      );
    });
  });

  it('refuses the emulator profile in production unless explicitly allowed', () => {
    const issues = issuesOf(() => load({ NODE_ENV: 'production', EXTRA_CA_CERTS: caPath }));
    expect(Object.keys(issues)).toEqual(['IDENTITY_PROFILE']);
    expect(issues.IDENTITY_PROFILE).toMatch(/ALLOW_EMULATOR_IN_PRODUCTION/);

    const allowed = load({
      NODE_ENV: 'production',
      EXTRA_CA_CERTS: caPath,
      ALLOW_EMULATOR_IN_PRODUCTION: 'true',
    });
    expect(allowed.production).toBe(true);
    expect(allowed.identity.kind).toBe('emulator');
  });

  describe('credentials', () => {
    const base = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT };

    it('reads a client secret', () => {
      const config = load({ ...base, AZURE_CLIENT_SECRET: SECRET });
      expect(config.client.credential.kind).toBe('secret');
    });

    it.each(['replace-me', '<api secret>', 'changeme'])(
      'refuses an example placeholder as client secret: %s',
      (placeholder) => {
        expect(
          Object.keys(issuesOf(() => load({ ...base, AZURE_CLIENT_SECRET: placeholder }))),
        ).toEqual(['AZURE_CLIENT_SECRET']);
      },
    );

    it('reads a certificate PEM (key + certificate) and computes its SHA-256 thumbprint', () => {
      const path = join(dir, 'client.pem');
      writeFileSync(path, `${keyPem}\n${certPem}`);
      const credential = load({ ...base, AZURE_CLIENT_CERTIFICATE_PATH: path }).client.credential;
      if (credential.kind !== 'certificate') throw new Error('expected a certificate');
      expect(credential.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(credential.x5c).toContain('BEGIN CERTIFICATE');
      expect(credential.privateKey.reveal()).toContain('BEGIN PRIVATE KEY');
    });

    it('decrypts an encrypted private key with AZURE_CLIENT_CERTIFICATE_PASSWORD', () => {
      const encrypted = selfSignedCertificate(dir, 'pa55word');
      const path = join(dir, 'encrypted.pem');
      writeFileSync(path, `${encrypted.keyPem}\n${encrypted.certPem}`);
      const ok = load({
        ...base,
        AZURE_CLIENT_CERTIFICATE_PATH: path,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: 'pa55word',
      });
      expect(ok.client.credential.kind).toBe('certificate');
      expect(issuesOf(() => load({ ...base, AZURE_CLIENT_CERTIFICATE_PATH: path }))).toHaveProperty(
        'AZURE_CLIENT_CERTIFICATE_PATH',
      );
      expect(
        issuesOf(() =>
          load({
            ...base,
            AZURE_CLIENT_CERTIFICATE_PATH: path,
            AZURE_CLIENT_CERTIFICATE_PASSWORD: 'wrong',
          }),
        ),
      ).toHaveProperty('AZURE_CLIENT_CERTIFICATE_PASSWORD');
    });

    it('rejects a certificate file without a key, and a missing file', () => {
      const certOnly = join(dir, 'cert-only.pem');
      writeFileSync(certOnly, certPem);
      expect(
        issuesOf(() => load({ ...base, AZURE_CLIENT_CERTIFICATE_PATH: certOnly })),
      ).toHaveProperty('AZURE_CLIENT_CERTIFICATE_PATH');
      expect(
        issuesOf(() => load({ ...base, AZURE_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem') }))
          .AZURE_CLIENT_CERTIFICATE_PATH,
      ).toMatch(/ENOENT/);
    });

    it('reads a federated token file (workload identity)', () => {
      const path = join(dir, 'federated-token');
      writeFileSync(path, 'eyJ.header.payload\n');
      const config = load({ ...base, AZURE_FEDERATED_TOKEN_FILE: path });
      expect(config.client.credential).toEqual({ kind: 'federated', tokenFile: path });
      const empty = join(dir, 'empty-token');
      writeFileSync(empty, '  ');
      expect(issuesOf(() => load({ ...base, AZURE_FEDERATED_TOKEN_FILE: empty }))).toHaveProperty(
        'AZURE_FEDERATED_TOKEN_FILE',
      );
    });

    it('refuses two credentials at once, naming both', () => {
      const path = join(dir, 'federated-token');
      const issues = issuesOf(() =>
        load({ ...base, AZURE_CLIENT_SECRET: SECRET, AZURE_FEDERATED_TOKEN_FILE: path }),
      );
      expect(Object.keys(issues).sort()).toEqual([
        'AZURE_CLIENT_SECRET',
        'AZURE_FEDERATED_TOKEN_FILE',
      ]);
    });
  });

  describe('secrets', () => {
    it('never prints a secret in the rendered error, even when it is in the wrong variable', () => {
      try {
        load({
          AZURE_TENANT_ID: SECRET,
          AZURE_CLIENT_ID: SECRET,
          AZURE_CLIENT_SECRET: SECRET,
          REDIS_URL: `x${SECRET}`,
        });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const rendered = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)} ${inspect(error)}`;
        expect(rendered).toContain('AZURE_TENANT_ID');
        expect(rendered).not.toContain(SECRET);
      }
    });

    it('never prints a secret in the config dump', () => {
      const config = load({
        ...{ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET },
        REDIS_URL: `redis://:${SECRET}@localhost:6379`,
      });
      const dumped = `${describeConfig(config)} ${inspect(config, { depth: 10 })} ${JSON.stringify(config)}`;
      expect(dumped).toContain('[redacted]');
      expect(dumped).not.toContain(SECRET);
      expect(config.redisUrl?.reveal()).toContain(SECRET);
    });
  });
});
