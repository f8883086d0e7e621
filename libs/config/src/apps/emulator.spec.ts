import { join } from 'node:path';
import { ConfigError } from '../errors';
import { tempDir } from '../test/fixtures';
import { loadEmulatorConfig } from './emulator';

const dir = tempDir();
const load = (env: Record<string, string>) => loadEmulatorConfig({ env, envFile: false, cwd: dir });

describe('loadEmulatorConfig', () => {
  it('defaults to https://localhost:8443 with the control plane on', () => {
    const config = load({});
    expect(config).toMatchObject({
      port: 8443,
      host: 'localhost',
      publicUrl: 'https://localhost:8443',
      controlPlane: true,
      armPageSize: 5,
      dataDir: join(dir, '.emulator'),
    });
    expect(config.tls).toBeUndefined();
    expect(config.caExportPath).toBeUndefined();
    expect(config.transparentPort).toBeUndefined();
    expect(config.proxyPort).toBeUndefined();
  });

  it('turns transparent mode on at port 443 unless told another port, and a proxy port', () => {
    expect(load({ EMULATOR_TRANSPARENT: 'true' }).transparentPort).toBe(443);
    expect(
      load({ EMULATOR_TRANSPARENT: 'true', EMULATOR_TRANSPARENT_PORT: '8444' }).transparentPort,
    ).toBe(8444);
    expect(load({ EMULATOR_TRANSPARENT: 'false' }).transparentPort).toBeUndefined();
    expect(load({ EMULATOR_PROXY_PORT: '8480' })).toMatchObject({
      proxyPort: 8480,
      transparentPort: undefined,
    });
  });

  it('refuses a transparent port without transparent mode, and a bad one', () => {
    for (const [env, variable] of [
      [{ EMULATOR_TRANSPARENT_PORT: '8444' }, 'EMULATOR_TRANSPARENT_PORT'],
      [
        { EMULATOR_TRANSPARENT: 'true', EMULATOR_TRANSPARENT_PORT: '70000' },
        'EMULATOR_TRANSPARENT_PORT',
      ],
      [{ EMULATOR_TRANSPARENT: 'yes please' }, 'EMULATOR_TRANSPARENT'],
      [{ EMULATOR_PROXY_PORT: '-1' }, 'EMULATOR_PROXY_PORT'],
    ] as const) {
      try {
        load(env);
        throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
      } catch (error) {
        expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
      }
    }
  });

  it('takes a port, public URL, seed, data dir and own TLS files', () => {
    const config = load({
      PORT: '9443',
      EMULATOR_PUBLIC_URL: 'https://entra-emulator:9443/',
      EMULATOR_SEED: 'seed.json',
      EMULATOR_DATA_DIR: '/var/lib/emulator',
      EMULATOR_CA_EXPORT: 'export/ca.pem',
      EMULATOR_TLS_CERT: 'tls/cert.pem',
      EMULATOR_TLS_KEY: 'tls/key.pem',
      EMULATOR_CONTROL_PLANE: 'false',
    });
    expect(config).toMatchObject({
      port: 9443,
      publicUrl: 'https://entra-emulator:9443',
      seedPath: join(dir, 'seed.json'),
      dataDir: '/var/lib/emulator',
      caExportPath: join(dir, 'export/ca.pem'),
      tls: { certPath: join(dir, 'tls/cert.pem'), keyPath: join(dir, 'tls/key.pem') },
      controlPlane: false,
    });
  });

  it('takes the CAE token lifetime in seconds, from 300 to 100800', () => {
    expect(load({}).caeTokenLifetimeSeconds).toBeUndefined();
    expect(load({ EMULATOR_CAE_TOKEN_LIFETIME: '72000' }).caeTokenLifetimeSeconds).toBe(72_000);
    for (const bad of ['299', '100801', '3600.5', 'a day']) {
      try {
        load({ EMULATOR_CAE_TOKEN_LIFETIME: bad });
        throw new Error(`expected a ConfigError for ${bad}`);
      } catch (error) {
        expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([
          'EMULATOR_CAE_TOKEN_LIFETIME',
        ]);
      }
    }
  });

  it('needs both TLS files or neither', () => {
    expect(() => load({ EMULATOR_TLS_CERT: 'cert.pem' })).toThrow(ConfigError);
    try {
      load({ EMULATOR_TLS_CERT: 'cert.pem' });
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['EMULATOR_TLS_KEY']);
    }
  });

  it('refuses an http public URL and a bad page size together', () => {
    try {
      load({ EMULATOR_PUBLIC_URL: 'http://localhost:8443', EMULATOR_ARM_PAGE_SIZE: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable).sort()).toEqual([
        'EMULATOR_ARM_PAGE_SIZE',
        'EMULATOR_PUBLIC_URL',
      ]);
    }
  });
});
