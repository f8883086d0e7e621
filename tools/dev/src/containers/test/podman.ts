import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * podman as the container test uses it, and everything where this machine differs from a
 * Docker host — kept here, out of the Dockerfiles and the compose files:
 * - a containers.conf of its own (CONTAINERS_CONF): no default ulimits (podman's break
 *   `setrlimit` here), runc (crun refuses this kernel's hybrid cgroup layout), and netavark with
 *   aardvark-dns, so containers find each other by service name as Compose's network does;
 * - no registry: stand-in base images (standin/build.sh) replace node:20-bookworm-slim through
 *   `--build-context` and redis:7-alpine by name (STAND_INS);
 * - builds use the host's network and its npm registry and CA file (this machine re-signs TLS),
 *   mounted into the build for `npm ci` only;
 * - no systemd: nothing runs health checks on a timer, so the test runs `podman healthcheck run`.
 */

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const work = mkdtempSync(join(tmpdir(), 'obo-podman-'));
const containersConf = join(work, 'containers.conf');
writeFileSync(
  containersConf,
  [
    '[containers]',
    'default_ulimits = []',
    '[network]',
    'network_backend = "netavark"',
    '[engine]',
    'runtime = "runc"',
    '',
  ].join('\n'),
);

const ENV = { ...process.env, CONTAINERS_CONF: containersConf };

/** Runs podman; never throws on a non-zero exit (see `podmanOk`). */
export function podman(args: string[], options: { timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr: withoutSystemdNoise(stderr) });
    });
  });
}

/** Runs podman and returns its stdout; throws with its stderr on a non-zero exit. */
export async function podmanOk(args: string[], options: { timeoutMs?: number } = {}) {
  const result = await podman(args, options);
  if (result.code !== 0) {
    throw new Error(
      `podman ${args.slice(0, 3).join(' ')} … exited ${result.code}:\n${result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/** podman logs every health check it cannot hand to systemd; nothing is wrong. */
function withoutSystemdNoise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.includes('unable to get systemd connection'))
    .join('\n');
}

/** Images the compose files name that no registry here can serve, and their stand-ins. */
export const STAND_INS: Record<string, string> = {
  'redis:7-alpine': 'localhost/obo-standin/redis:7',
};
const NODE_BASE = 'node:20-bookworm-slim';
const NODE_STAND_IN = 'localhost/obo-standin/node:20-bookworm-slim';

/** Builds (or reuses) the stand-in base images; returns how long it took. */
export function buildStandIns(): number {
  const started = Date.now();
  const run = spawnSync('sh', [join(__dirname, '..', 'standin', 'build.sh')], {
    env: ENV,
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error(`standin/build.sh exited ${run.status}`);
  return Date.now() - started;
}

/** The host's npm settings a build stage's `npm ci` needs here: registry and CA file. */
function npmPlumbing(): string[] {
  const get = (key: string) =>
    spawnSync('npm', ['config', 'get', key], { encoding: 'utf8' }).stdout.trim();
  const registry = get('registry');
  const cafile = get('cafile');
  const lines = [`registry=${registry}`];
  const args: string[] = [];
  if (cafile && cafile !== 'null' && cafile !== 'undefined' && existsSync(cafile)) {
    lines.push(`cafile=${cafile}`);
    args.push('--volume', `${cafile}:${cafile}:ro`);
  }
  const npmrc = join(work, 'npmrc');
  writeFileSync(npmrc, `${lines.join('\n')}\n`);
  // The build stages run as root: ~/.npmrc is /root/.npmrc.
  return [...args, '--volume', `${npmrc}:/root/.npmrc:ro`];
}

/** `podman build` of one Dockerfile, as `docker build -f <dockerfile> -t <tag> <context>`. */
export async function buildImage(context: string, dockerfile: string, tag: string) {
  return podmanOk(
    [
      'build',
      '--format',
      'docker', // keeps HEALTHCHECK (OCI images have none)
      '--layers',
      '--pull=never',
      '--network',
      'host',
      '--build-context',
      `${NODE_BASE}=container-image://${NODE_STAND_IN}`,
      ...npmPlumbing(),
      '--file',
      join(context, dockerfile),
      '--tag',
      tag,
      context,
    ],
    { timeoutMs: 15 * 60_000 },
  );
}
