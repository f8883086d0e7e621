import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse } from 'yaml';
import {
  findWorkspaceRoot,
  loadApiConfig,
  loadEmulatorConfig,
  loadWebConfig,
  type EnvSource,
} from '@obo/config';
import { writeThrowawayCa } from '@obo/testing';

/**
 * The compose files hand each container the environment @obo/config requires: loading each
 * service's environment (plus what its image sets) must succeed, and the services must agree
 * with each other on URLs, ports and the shared CA volume.
 */
interface Service {
  environment?: Record<string, string>;
  env_file?: string;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

const root = findWorkspaceRoot(__dirname);
const IMAGE_ENV = { NODE_ENV: 'production', HOST: '0.0.0.0' }; // the Dockerfiles' ENV
const ca = writeThrowawayCa();

function services(file: string): Record<string, Service> {
  const doc = parse(readFileSync(join(root, file), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  return doc.services;
}

/** The container's environment, `${VAR:-default}` taken at its default, the CA path made local. */
function envOf(service: Service, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...IMAGE_ENV, ...extra };
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    env[name] = String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
  }
  return env;
}

const source = (env: Record<string, string>): EnvSource => ({
  env: env.EXTRA_CA_CERTS ? { ...env, EXTRA_CA_CERTS: ca } : env,
  envFile: false,
  cwd: root,
});

describe('docker-compose.yml (emulator stack)', () => {
  const s = services('docker-compose.yml');

  it('has the four services of the contract, on the contract ports', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'entra-emulator', 'redis', 'web']);
    expect(s['entra-emulator'].ports).toEqual(['8443:8443']);
    expect(s.api.ports).toEqual(['4000:4000']);
    expect(s.web.ports).toEqual(['3000:3000']);
  });

  it('gives the emulator a valid configuration whose public URL the apps use as authority', () => {
    const emulator = loadEmulatorConfig(source(envOf(s['entra-emulator'])));
    const api = loadApiConfig(source(envOf(s.api)));
    const web = loadWebConfig(source(envOf(s.web)));
    expect(api.identity.authorityHost).toBe(emulator.publicUrl);
    expect(web.identity.authorityHost).toBe(emulator.publicUrl);
    expect(api.identity.profile).toBe('emulator');
    expect(api.production && web.production).toBe(true);
  });

  it('shares the emulator’s data volume, read-only, where the apps look for its CA', () => {
    const emulatorEnv = envOf(s['entra-emulator']);
    const dataVolume = s['entra-emulator'].volumes
      ?.find((v) => v.endsWith(`:${emulatorEnv.EMULATOR_DATA_DIR}`))
      ?.split(':')[0];
    expect(dataVolume).toBeDefined();
    for (const app of ['api', 'web']) {
      const caDir = envOf(s[app]).EXTRA_CA_CERTS.replace(/\/[^/]+$/, '');
      expect(s[app].volumes).toContain(`${dataVolume}:${caDir}:ro`);
    }
  });

  it('points the web app at the api service, and shares Redis and one session secret', () => {
    const web = loadWebConfig(source(envOf(s.web)));
    const api = loadApiConfig(source(envOf(s.api)));
    expect(web.api.baseUrl).toBe(`http://api:${api.port}`);
    expect(web.redisUrl?.reveal()).toBe('redis://redis:6379');
    expect(api.redisUrl?.reveal()).toBe('redis://redis:6379');
    expect(web.session.generatedSecret).toBe(false);
  });

  it('starts each service only after what it needs is healthy', () => {
    expect(s.api.depends_on).toEqual({
      'entra-emulator': { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(s.web.depends_on).toEqual({
      api: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });
});

describe('docker-compose.tenant.yml (real tenant)', () => {
  const s = services('docker-compose.tenant.yml');

  it('has no emulator and gives each app a valid entra configuration from its .env', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'redis', 'web']);
    const fileEnv = (app: string) =>
      parseDotenv(readFileSync(join(root, `apps/${app}/.env.example`)));
    const api = loadApiConfig(source(envOf(s.api, fileEnv('api'))));
    const web = loadWebConfig(source(envOf(s.web, fileEnv('web'))));
    expect(api.identity.profile).toBe('entra');
    expect(web.identity.profile).toBe('entra');
    expect(web.api.baseUrl).toBe('http://api:4000');
  });
});
