/**
 * `npm start`: builds and runs the emulator, the API and the web app together with zero
 * configuration, waits until each is ready, prints where to go and who to sign in as, and
 * stops everything on Ctrl-C. With `apps/api/.env` and `apps/web/.env` pointing at a real
 * tenant, the emulator is not started.
 *
 * Ports: EMULATOR_PORT (8443), API_PORT (4000), WEB_PORT (3000). `--no-build` skips the build.
 * The environment passes through to every process, so EMULATOR_SEED (e.g. a seed whose web
 * redirect URIs use another WEB_PORT) and EMULATOR_DATA_DIR reach the emulator.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EMULATOR_DEFAULTS,
  findWorkspaceRoot,
  readEnvironment,
  usesEmulatorProfile,
} from '@obo/config';
import { checkPortFree, nxCli, startProcess, stopAll, waitForReady } from './processes';

const root = findWorkspaceRoot(__dirname);
const started = Date.now();
const children: ChildProcess[] = [];

function port(variable: string, fallback: number): number {
  const value = process.env[variable];
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`${variable} must be a port number`);
  return Number(value);
}

function fail(message: string): never {
  // Reported here once; main()'s catch must not report it again.
  stopping = true;
  process.stderr.write(`\nnpm start: ${message}\n`);
  void stopAll(children).then(() => process.exit(1));
  throw new Error(message);
}

/** True when the app's own `.env` (or the environment) names a real tenant. */
function usesRealTenant(app: 'api' | 'web'): boolean {
  const env = readEnvironment({ cwd: join(root, 'apps', app) });
  return !usesEmulatorProfile(env);
}

async function main(): Promise<void> {
  const ports = {
    emulator: port('EMULATOR_PORT', EMULATOR_DEFAULTS.port),
    api: port('API_PORT', 4000),
    web: port('WEB_PORT', 3000),
  };
  const emulatorNeeded = !(usesRealTenant('api') && usesRealTenant('web'));
  const wanted = [
    ...(emulatorNeeded ? [['emulator', ports.emulator, 'EMULATOR_PORT'] as const] : []),
    ['api', ports.api, 'API_PORT'] as const,
    ['web', ports.web, 'WEB_PORT'] as const,
  ];
  for (const [name, p, variable] of wanted) {
    if (!(await checkPortFree(p)))
      fail(
        `port ${p} (${name}) is already in use: stop what holds it, or set ${variable} to another port.`,
      );
  }

  if (!process.argv.includes('--no-build')) {
    process.stdout.write('Building emulator, api and web…\n');
    const build = spawnSync(
      process.execPath,
      [
        nxCli(),
        'run-many',
        '-t',
        'build',
        '-p',
        '@obo/entra-emulator',
        '@obo/api',
        '@obo/web',
        '--outputStyle=static',
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } },
    );
    if (build.status !== 0) fail('the build failed (see above).');
  }

  const emulatorUrl = `https://localhost:${ports.emulator}`;
  const dataDir = process.env.EMULATOR_DATA_DIR ?? join(root, EMULATOR_DEFAULTS.dataDir);
  const caPath = join(dataDir, EMULATOR_DEFAULTS.caCertFile);
  const baseEnv = { ...process.env, FORCE_COLOR: '0' };

  if (emulatorNeeded) {
    const emulator = startProcess(
      'emulator',
      process.execPath,
      [join(root, 'apps/entra-emulator/dist/main.js')],
      {
        cwd: root,
        env: { ...baseEnv, PORT: String(ports.emulator), EMULATOR_DATA_DIR: dataDir },
      },
    );
    children.push(emulator);
    await waitForReady(
      `${emulatorUrl}/${EMULATOR_DEFAULTS.tenantId}/v2.0/.well-known/openid-configuration`,
      emulator,
      {
        ca: () => (existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined),
      },
    ).catch((e: Error) => fail(`the emulator ${e.message}`));
  }

  const emulatorEnv = emulatorNeeded
    ? { AZURE_AUTHORITY_HOST: emulatorUrl, EMULATOR_DATA_DIR: dataDir }
    : {};
  const api = startProcess('api', process.execPath, [join(root, 'apps/api/dist/main.js')], {
    cwd: join(root, 'apps/api'),
    env: { ...baseEnv, ...(usesRealTenant('api') ? {} : emulatorEnv), PORT: String(ports.api) },
  });
  children.push(api);
  await waitForReady(`http://localhost:${ports.api}/readyz`, api).catch((e: Error) =>
    fail(`the api ${e.message}`),
  );

  const web = startProcess('web', process.execPath, [join(root, 'apps/web/dist/main.js')], {
    cwd: join(root, 'apps/web'),
    env: {
      ...baseEnv,
      ...(usesRealTenant('web') ? {} : emulatorEnv),
      PORT: String(ports.web),
      API_BASE_URL: process.env.API_BASE_URL ?? `http://localhost:${ports.api}`,
    },
  });
  children.push(web);
  await waitForReady(`http://localhost:${ports.web}/readyz`, web).catch((e: Error) =>
    fail(`the web app ${e.message}`),
  );

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    '',
    '  OBO chain is running',
    `  Open            http://localhost:${ports.web}`,
    ...(emulatorNeeded
      ? [
          `  Sign in as      ${EMULATOR_DEFAULTS.devUser} / ${EMULATOR_DEFAULTS.devPassword}`,
          `                  (bob: many subscriptions, carol: MFA step-up, dave: none)`,
          `  Entra emulator  ${emulatorUrl}  (CA certificate: ${caPath})`,
          `  Token journey   http://localhost:${ports.web}/journey  (development only: the three tokens of one request)`,
        ]
      : ['  Identity        your tenant (from apps/*/.env)']),
    `  API             http://localhost:${ports.api}  (metrics: /metrics, OpenAPI: /api/openapi.json)`,
    `  Ready in        ${seconds} s — Ctrl-C stops everything`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  for (const child of children) {
    child.once('exit', (code, signal) => {
      if (!stopping)
        fail(`a process exited unexpectedly (code ${code}, signal ${signal}); stopping the rest.`);
    });
  }
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping…\n');
    void stopAll(children).then(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  if (!stopping) {
    stopping = true;
    process.stderr.write(`npm start: ${error.message}\n`);
    void stopAll(children).then(() => process.exit(1));
  }
});
