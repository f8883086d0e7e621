import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse } from 'yaml';
import {
  ConfigError,
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
  deploy?: { replicas?: number };
  restart?: string;
  command?: string[];
  healthcheck?: { test: string[] };
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

  it('has the four services of the contract, on the contract ports, two API replicas', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'entra-emulator', 'redis', 'web']);
    expect(s['entra-emulator'].ports).toEqual(['8443:8443']);
    expect(s.api.ports).toEqual(['4000-4001:4000']); // one host port per replica
    expect(s.api.deploy?.replicas).toBe(2);
    expect(s.web.ports).toEqual(['3000:3000']);
  });

  it('restarts every service unless stopped, and keeps Redis on disk (append-only file)', () => {
    for (const service of Object.values(s)) expect(service.restart).toBe('unless-stopped');
    expect(s.redis.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(s.redis.volumes).toEqual(['redis-data:/data']);
  });

  it('gives the emulator a valid configuration whose public URL the apps use as authority', () => {
    const emulator = loadEmulatorConfig(source(envOf(s['entra-emulator'])));
    const api = loadApiConfig(source(envOf(s.api)));
    const web = loadWebConfig(source(envOf(s.web)));
    expect(api.identity.authorityHost).toBe(emulator.publicUrl);
    expect(web.identity.authorityHost).toBe(emulator.publicUrl);
    expect(api.identity.kind).toBe('emulator');
    expect(api.production && web.production).toBe(true);
  });

  it('gives the apps the CA the emulator exports, read-only, and never its data volume', () => {
    const emulatorEnv = envOf(s['entra-emulator']);
    const volumeAt = (dir: string) =>
      s['entra-emulator'].volumes?.find((v) => v.endsWith(`:${dir}`))?.split(':')[0];
    const dataVolume = volumeAt(emulatorEnv.EMULATOR_DATA_DIR);
    const caVolume = volumeAt(dirname(emulatorEnv.EMULATOR_CA_EXPORT));
    expect(dataVolume).toBeDefined();
    expect(caVolume).toBeDefined();
    expect(caVolume).not.toBe(dataVolume);
    for (const app of ['api', 'web']) {
      const ca = envOf(s[app]).EXTRA_CA_CERTS;
      expect(basename(ca)).toBe(basename(emulatorEnv.EMULATOR_CA_EXPORT));
      expect(s[app].volumes).toEqual([`${caVolume}:${dirname(ca)}:ro`]);
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

  it('checks readiness (/readyz) where the apps have it, and the emulator on its exported CA', () => {
    const probe = (name: string) => s[name].healthcheck?.test.join(' ') ?? '';
    expect(probe('api')).toContain("path:'/readyz'");
    expect(probe('web')).toContain("path:'/readyz'");
    expect(probe('entra-emulator')).toContain(
      `readFileSync('${envOf(s['entra-emulator']).EMULATOR_CA_EXPORT}')`,
    );
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

  const fileEnv = (app: string) =>
    parseDotenv(readFileSync(join(root, `apps/${app}/.env.example`)));
  /** The example with every placeholder replaced, as the README asks. */
  const filledIn = (app: string) => ({
    ...fileEnv(app),
    AZURE_CLIENT_SECRET: `a-real-${app}-client-secret`,
    ...(app === 'web' ? { SESSION_SECRET: 'a-real-session-secret-of-at-least-32-chars' } : {}),
  });
  const refused = (load: () => unknown) => {
    try {
      load();
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((i) => i.variable).sort();
      throw error;
    }
    return [];
  };

  it('has no emulator; each app reads its .env, and the examples’ placeholders are refused', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'redis', 'web']);
    expect(s.api.env_file).toBe('${API_ENV_FILE:-apps/api/.env}');
    expect(s.web.env_file).toBe('${WEB_ENV_FILE:-apps/web/.env}');
    expect(refused(() => loadApiConfig(source(envOf(s.api, fileEnv('api')))))).toEqual([
      'AZURE_CLIENT_SECRET',
    ]);
    expect(refused(() => loadWebConfig(source(envOf(s.web, fileEnv('web')))))).toEqual([
      'AZURE_CLIENT_SECRET',
      'SESSION_SECRET',
    ]);
  });

  it('gives each app a valid entra configuration once the placeholders are replaced', () => {
    const api = loadApiConfig(source(envOf(s.api, filledIn('api'))));
    const web = loadWebConfig(source(envOf(s.web, filledIn('web'))));
    expect(api.identity.kind).toBe('entra');
    expect(web.identity.kind).toBe('entra');
    expect(web.api.baseUrl).toBe('http://api:4000');
  });

  it('starts web once the API is ready, restarts unless stopped, keeps Redis on disk', () => {
    expect(s.web.depends_on).toEqual({
      api: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(s.api.healthcheck?.test.join(' ')).toContain("path:'/readyz'");
    expect(s.web.healthcheck?.test.join(' ')).toContain("path:'/readyz'");
    for (const service of Object.values(s)) expect(service.restart).toBe('unless-stopped');
    expect(s.redis.command).toEqual(['redis-server', '--appendonly', 'yes']);
  });
});
