import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, findWorkspaceRoot } from '@obo/config';
import { EmulatorBrowser, loadSeed } from '@obo/entra-emulator';
import { get } from '@obo/testing';
import { containerName, planStack, runArgs, volumeName, type StackPlan } from './compose-plan';
import { imageViolations, readTree, type ImageExpectations } from './test/image-rules';
import { buildImage, buildStandIns, podman, podmanOk, STAND_INS } from './test/podman';
import {
  addressOf,
  removeLabelled,
  startStack,
  waitHealthy,
  type RunningStack,
} from './test/stack';

/**
 * The three Dockerfiles and docker-compose.yml for real, with podman (`.ci/run` installs it):
 * builds the images, checks what each holds, runs the emulator stack as `docker-compose config`
 * describes it (compose-plan.ts translates it; nothing here repeats it), signs alice in through
 * the web container, stops one API replica and restarts Redis under her session, then removes
 * everything it made but the stand-in base images and the build cache.
 *
 * Where this machine is not a Docker host (test/podman.ts): no registry, so stand-in base
 * images built from Debian and the host's Node; the host's npm registry and CA for builds; no
 * systemd, so health checks are run by the test. Published ports are not bound: the test reaches
 * each container on the stack's network, where the compose file's ports are (other processes
 * on this machine may hold 3000, 4000 or 8443).
 */
jest.setTimeout(30 * 60_000);

const root = findWorkspaceRoot(__dirname);
const PROJECT = 'obo-ct';
const timings: Record<string, string> = {};
const log = (line: string) => process.stdout.write(`[containers] ${line}\n`);

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  const result = await fn();
  timings[label] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  log(`${label}: ${timings[label]}`);
  return result;
}

/** `docker-compose -f <file> config`: Compose's own reading of the file. */
function composeConfig(file: string, env: Record<string, string> = {}): string {
  const run = spawnSync('docker-compose', ['-f', file, 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  if (run.status !== 0) throw new Error(`docker-compose config ${file}: ${run.stderr}`);
  return run.stdout;
}

/** What each built image may hold beyond the rules every image keeps. */
const EXPECT: Record<string, ImageExpectations> = {
  'entra-emulator': { writable: ['/data', '/ca'], forbiddenModules: ['libs/testing/'] },
  api: { writable: [], forbiddenModules: ['libs/testing/', 'apps/entra-emulator/'] },
  web: { writable: [], forbiddenModules: ['libs/testing/', 'apps/entra-emulator/'] },
};

describe('container images and the emulator stack of docker-compose.yml', () => {
  const started = Date.now();
  const images: Record<string, string> = {};
  const sizes: Record<string, string> = {};
  let plan: StackPlan;
  let stack: RunningStack;
  let web: string; // http://<web container>:<port>
  let ca: string;
  let cookie = '';

  const container = (service: string, replica = 1) => containerName(PROJECT, service, replica);
  const service = (name: string) => {
    const found = plan.services.find((s) => s.name === name);
    if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };

  beforeAll(async () => {
    await removeLabelled();
    await timed('stand-in base images', buildStandIns);
    plan = planStack(composeConfig('docker-compose.yml'), PROJECT);
    for (const s of plan.services) {
      if (s.build) {
        const build = s.build;
        images[s.name] = `localhost/${PROJECT}-${s.name}`;
        await timed(`build ${s.name}`, () =>
          buildImage(build.context, build.dockerfile, images[s.name]),
        );
        const bytes = Number(
          await podmanOk(['image', 'inspect', '--format', '{{.Size}}', images[s.name]]),
        );
        sizes[s.name] = `${(bytes / 1e6).toFixed(0)} MB`;
      } else {
        const standIn = s.image && STAND_INS[s.image];
        if (!standIn) throw new Error(`no stand-in for image ${s.image} (test/podman.ts)`);
        images[s.name] = standIn;
      }
    }
    log(`image sizes: ${JSON.stringify(sizes)}`);
    stack = await timed('stack up (depends_on conditions met)', () =>
      startStack(plan, images, log),
    );
    // Nothing depends on web; wait as `docker compose up --wait` would.
    await timed('web healthy', () => waitHealthy(container('web'), service('web')));
    web = `http://${await addressOf(stack, container('web'))}:${service('web').ports[0]}`;
    const caVolume = await podmanOk([
      'volume',
      'inspect',
      '--format',
      '{{.Mountpoint}}',
      volumeName(PROJECT, 'emulator-ca'),
    ]);
    ca = readFileSync(join(caVolume, 'ca.pem'), 'utf8');
    cookie = await timed('sign-in through web', signIn);
  });

  afterAll(async () => {
    await removeLabelled();
    const built = plan?.services.filter((s) => s.build).map((s) => images[s.name]) ?? [];
    if (built.length > 0) await podman(['rmi', '--force', ...built]);
    timings.total = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    log(`timings: ${JSON.stringify(timings)}`);
  });

  /** Alice through the emulator's login form, as the browser would; returns her session cookie. */
  async function signIn(): Promise<string> {
    const login = await get(`${web}/login`);
    expect(login.status).toBe(302);
    // The sign-in in progress lives in its own sealed cookie; the session starts at the redirect.
    const pending = cookieNamed(login.headers['set-cookie'], 'obo.web.signin');
    const emulator = service('entra-emulator');
    const authorityHost = new URL(String(login.headers.location)).hostname;
    const emulatorAddress = await addressOf(stack, container(emulator.name));
    // The hosts-file line the README asks for, pointing at the emulator container.
    const lookup: LookupFunction = (hostname, options, callback) => {
      if (hostname !== authorityHost) throw new Error(`unexpected host ${hostname}`);
      if (options.all) callback(null, [{ address: emulatorAddress, family: 4 }]);
      else callback(null, emulatorAddress, 4);
    };
    const browser = new EmulatorBrowser(ca, { lookup });
    const result = await browser.signIn(String(login.headers.location), {
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    });
    expect(result.redirectUri).toBe(`${service('web').environment.PUBLIC_URL}/auth/redirect`);
    const back = await get(`${web}/auth/redirect?${new URLSearchParams(result.params)}`, {
      headers: { cookie: pending },
    });
    expect(back.status).toBe(302);
    return cookieNamed(back.headers['set-cookie'], 'obo.web.sid');
  }

  /**
   * GET /subscriptions as alice. A network error or a 5xx is retried for up to `withinMs`: on
   * this machine containers on a podman network have been seen to lose each other for 5–45 s
   * after another one starts or stops. Any other answer is final.
   */
  async function subscriptions(correlationId: string, withinMs: number) {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const res = await get(`${web}/subscriptions`, {
        headers: { cookie, 'x-correlation-id': correlationId },
        timeoutMs: 15_000,
      }).catch((error: Error) => ({ status: 0, body: error.message }));
      const transient = res.status === 0 || res.status >= 500;
      if (!transient || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  it.each(['entra-emulator', 'api', 'web'])(
    'the %s image holds Node.js, the bundle, its runtime packages and notices, all root’s',
    async (name) => {
      const image = images[name];
      const mount = await podmanOk(['image', 'mount', image]);
      try {
        const [info] = JSON.parse(await podmanOk(['image', 'inspect', image])) as {
          Config: { User?: string };
          Healthcheck?: { Test?: string[] };
        }[];
        const config = { User: info.Config.User, Healthcheck: info.Healthcheck };
        expect(imageViolations(readTree(mount), config, EXPECT[name])).toEqual([]);
        // The runtime packages load (their native code finds its libraries) as the app's user…
        const modules = join(mount, 'app', 'node_modules');
        const packages = existsSync(modules)
          ? readdirSync(modules).flatMap((n) =>
              n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n],
            )
          : [];
        const load = `for (const p of ${JSON.stringify(packages)}) require(p); require('fs').writeFileSync('/app/main.js', '')`;
        const run = await podman([
          'run',
          '--rm',
          '--network',
          'none',
          '--entrypoint',
          'node',
          image,
          '-e',
          load,
        ]);
        // …which cannot rewrite the app.
        expect(run.stderr).toMatch(/EACCES: permission denied, open '\/app\/main.js'/);
      } finally {
        await podman(['image', 'unmount', image]);
      }
    },
  );

  it.each(['api', 'web'])(
    'the %s image started with nothing set names what is missing, not an npm script',
    async (name) => {
      const run = await podman(['run', '--rm', '--network', 'none', images[name]]);
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toMatch(/IDENTITY_PROFILE: the emulator profile is refused/);
      expect(run.stdout + run.stderr).not.toMatch(/npm|EXTRA_CA_CERTS/);
    },
  );

  it('the tenant stack refuses the .env.example files’ placeholder secrets at start', async () => {
    const tenant = planStack(
      composeConfig('docker-compose.tenant.yml', {
        API_ENV_FILE: 'apps/api/.env.example',
        WEB_ENV_FILE: 'apps/web/.env.example',
      }),
      `${PROJECT}-tenant`,
    );
    const refused: Record<string, string[]> = {};
    for (const name of ['api', 'web']) {
      const s = tenant.services.find((x) => x.name === name);
      if (!s) throw new Error(`docker-compose.tenant.yml has no ${name}`);
      const run = await podman(runArgs(tenant, s, 1, { image: images[name], once: true }));
      expect(run.code).toBe(1);
      refused[name] = [
        ...(run.stdout + run.stderr).matchAll(/^ {2}- ([A-Z_]+): is a placeholder/gm),
      ]
        .map((m) => m[1])
        .sort();
    }
    expect(refused).toEqual({
      api: ['AZURE_CLIENT_SECRET'],
      web: ['AZURE_CLIENT_SECRET', 'SESSION_SECRET'],
    });
  });

  it('api and web get the emulator’s CA certificate alone, read-only; its keys stay in its own volume', async () => {
    for (const name of ['api', 'web']) {
      const mounts = JSON.parse(
        await podmanOk(['inspect', '--format', '{{json .Mounts}}', container(name)]),
      ) as { Name: string; RW: boolean }[];
      expect(mounts.map((m) => [m.Name, m.RW])).toEqual([
        [volumeName(PROJECT, 'emulator-ca'), false],
      ]);
      const target = service(name).volumes[0].target;
      const look = await podman([
        'exec',
        container(name),
        'node',
        '-e',
        `const fs=require('fs');console.log(JSON.stringify(fs.readdirSync(${JSON.stringify(target)})));fs.writeFileSync(${JSON.stringify(`${target}/x`)},'')`,
      ]);
      expect(JSON.parse(look.stdout)).toEqual(['ca.pem']);
      expect(look.stderr).toMatch(/EROFS/);
    }
    expect(new X509Certificate(ca).ca).toBe(true);
    const data = await podmanOk([
      'volume',
      'inspect',
      '--format',
      '{{.Mountpoint}}',
      volumeName(PROJECT, 'emulator-data'),
    ]);
    expect(readdirSync(data)).toEqual(expect.arrayContaining(['ca-key.pem', 'signing-key.pem']));
  });

  it('another container on the network reaches Microsoft’s names at the emulator (aliases, port 443)', async () => {
    // What any app on this network would do with its production settings and the CA alone.
    const script = `fetch('https://login.microsoftonline.com/${EMULATOR_DEFAULTS.tenantId}/v2.0/.well-known/openid-configuration').then(r=>r.json()).then(d=>console.log(d.issuer))`;
    const run = await podmanOk([
      'exec',
      '--env',
      'NODE_EXTRA_CA_CERTS=/emulator-ca/ca.pem',
      container('web'),
      'node',
      '-e',
      script,
    ]);
    expect(run).toBe(`https://login.microsoftonline.com/${EMULATOR_DEFAULTS.tenantId}/v2.0`);
  });

  it('alice, signed in through the web container, sees her subscriptions', async () => {
    const res = await subscriptions('ct-signed-in', 30_000);
    expect(res.status).toBe(200);
    const alice = loadSeed().users.find((u) => u.userPrincipalName === EMULATOR_DEFAULTS.devUser);
    for (const sub of alice?.subscriptions ?? []) expect(res.body).toContain(sub.displayName);
    expect(alice?.subscriptions.length).toBeGreaterThan(0);
  });

  it('with one API replica stopped, the other serves her', async () => {
    const [first, second] = stack.containers.api;
    const stop = await timed('stop api replica 1', () => podmanOk(['stop', '--time', '10', first]));
    expect(stop).toBe(first);
    expect(await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', first])).toBe('0');
    const res = await timed('served after the stop', () =>
      subscriptions('ct-one-replica-left', 60_000),
    );
    expect(res.status).toBe(200);
    const logs = await podmanOk(['logs', second]);
    expect(logs).toContain('ct-one-replica-left');
  });

  it('after a Redis restart her session is still there (append-only file)', async () => {
    await timed('restart redis', () => podmanOk(['restart', '--time', '10', container('redis')]));
    await waitHealthy(container('redis'), service('redis'));
    const res = await timed('served after redis restart', () =>
      subscriptions('ct-after-redis-restart', 60_000),
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('<table');
  });
});

function cookieNamed(setCookie: string[] | undefined, name: string): string {
  const found = (setCookie ?? []).find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie was set`);
  return found.split(';')[0];
}
