import { parse } from 'yaml';

/**
 * A compose stack as containers to run, read from `docker-compose config` (Compose's own
 * normalised form: anchors merged, variables and env files resolved, defaults filled in), so
 * that the container test runs what the compose file says rather than a copy of it. Keys it
 * cannot translate are refused by name: a compose change the test does not understand fails
 * the test instead of drifting away from it.
 */

export interface HealthCheck {
  /** `CMD` form: the argument vector; `CMD-SHELL` form: one shell command. */
  test: { exec: string[] } | { shell: string };
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export type DependsCondition =
  'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ServicePlan {
  name: string;
  /** Built from the repository (`build`), or an image to run as is (`image`). */
  build?: { context: string; dockerfile: string };
  image?: string;
  replicas: number;
  environment: Record<string, string>;
  command?: string[];
  /** Named volumes only. */
  volumes: { volume: string; target: string; readOnly: boolean }[];
  /** The container ports the compose file publishes (the test reaches them on the network). */
  ports: number[];
  healthcheck?: HealthCheck;
  restart?: string;
  dependsOn: { service: string; condition: DependsCondition }[];
  /** More names the service answers to on the project's network (`networks.default.aliases`). */
  aliases: string[];
  /** Namespaced kernel parameters (`sysctls`). */
  sysctls: Record<string, string>;
}

export interface StackPlan {
  project: string;
  /** In start order: each after everything it depends on. */
  services: ServicePlan[];
  volumes: string[];
}

const SERVICE_KEYS = new Set([
  'build',
  'image',
  'command',
  'environment',
  'ports',
  'volumes',
  'healthcheck',
  'depends_on',
  'restart',
  'deploy',
  'networks',
  'sysctls',
]);
const TOP_KEYS = new Set(['services', 'volumes', 'version']);

/** Reads `docker-compose config` output (or a compose file as written) into a plan for `project`. */
export function planStack(config: string, project: string): StackPlan {
  const doc = parse(config, { merge: true }) as Record<string, unknown>;
  refuseUnknown('the file', doc, TOP_KEYS);
  const declared = Object.keys((doc.volumes as object | null | undefined) ?? {});
  const services = Object.entries(doc.services as Record<string, Record<string, unknown>>).map(
    ([name, service]) => planService(name, service, declared),
  );
  return { project, services: startOrder(services), volumes: declared };
}

function planService(name: string, s: Record<string, unknown>, volumes: string[]): ServicePlan {
  refuseUnknown(`service ${name}`, s, SERVICE_KEYS);
  const deploy = (s.deploy ?? {}) as Record<string, unknown>;
  refuseUnknown(`service ${name} deploy`, deploy, new Set(['replicas']));
  const build = s.build as { context: string; dockerfile?: string } | undefined;
  if (build) refuseUnknown(`service ${name} build`, build, new Set(['context', 'dockerfile']));
  if (!build && typeof s.image !== 'string') throw new Error(`service ${name}: no build or image`);
  return {
    name,
    build: build && { context: build.context, dockerfile: build.dockerfile ?? 'Dockerfile' },
    image: build ? undefined : (s.image as string),
    replicas: Number(deploy.replicas ?? 1),
    environment: Object.fromEntries(
      Object.entries((s.environment ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        String(v ?? ''),
      ]),
    ),
    command: s.command === undefined ? undefined : commandOf(name, s.command),
    volumes: ((s.volumes ?? []) as unknown[]).map((v) => volumeOf(name, v, volumes)),
    ports: ((s.ports ?? []) as unknown[]).map(portOf),
    healthcheck: s.healthcheck
      ? healthcheckOf(name, s.healthcheck as Record<string, unknown>)
      : undefined,
    restart: s.restart as string | undefined,
    aliases: aliasesOf(name, s.networks),
    sysctls: Object.fromEntries(
      Object.entries((s.sysctls ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    ),
    dependsOn: Object.entries((s.depends_on ?? {}) as Record<string, { condition?: string }>).map(
      ([service, d]) => ({
        service,
        condition: (d.condition ?? 'service_started') as DependsCondition,
      }),
    ),
  };
}

/** The aliases on the default network: the only network the test's stack has. */
function aliasesOf(service: string, networks: unknown): string[] {
  if (networks === undefined) return [];
  const entries = Object.entries(networks as Record<string, unknown>);
  if (entries.some(([n]) => n !== 'default')) {
    throw new Error(`service ${service}: only the default network is translated`);
  }
  const settings = (entries[0]?.[1] ?? {}) as Record<string, unknown>;
  refuseUnknown(`service ${service} networks.default`, settings, new Set(['aliases']));
  return ((settings.aliases ?? []) as unknown[]).map(String);
}

/** `{published, target}` (normalised) or `'host:container'` → the container port. */
function portOf(entry: unknown): number {
  if (typeof entry === 'object' && entry !== null)
    return Number((entry as { target: number }).target);
  return Number(String(entry).split(':').pop()?.split('/')[0]);
}

function commandOf(service: string, command: unknown): string[] {
  if (Array.isArray(command)) return command.map(String);
  throw new Error(`service ${service}: give command in exec form (a list), not a shell string`);
}

function volumeOf(service: string, entry: unknown, declared: string[]) {
  const [volume, target, mode = 'rw'] = String(entry).split(':');
  if (!declared.includes(volume) || !target) {
    throw new Error(`service ${service}: volume ${String(entry)} is not a named volume`);
  }
  return { volume, target, readOnly: mode.split(',').includes('ro') };
}

function healthcheckOf(service: string, h: Record<string, unknown>): HealthCheck {
  refuseUnknown(
    `service ${service} healthcheck`,
    h,
    new Set(['test', 'interval', 'timeout', 'retries', 'start_period']),
  );
  const test = (typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test) as string[];
  const [form, ...rest] = test;
  if (form !== 'CMD' && form !== 'CMD-SHELL') {
    throw new Error(`service ${service}: healthcheck test ${form} is not CMD or CMD-SHELL`);
  }
  return {
    test: form === 'CMD' ? { exec: rest } : { shell: rest.join(' ') },
    // Compose's defaults.
    intervalMs: durationMs(h.interval, 30_000),
    timeoutMs: durationMs(h.timeout, 30_000),
    retries: Number(h.retries ?? 3),
    startPeriodMs: durationMs(h.start_period, 0),
  };
}

/** `1m30s`, `5s`, `500ms` → milliseconds. */
export function durationMs(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  let total = 0;
  const text = String(value);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  for (const [, n, unit] of parts) total += Number(n) * units[unit];
  return total;
}

function startOrder(services: ServicePlan[]): ServicePlan[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const ordered: ServicePlan[] = [];
  const visiting = new Set<string>();
  const visit = (s: ServicePlan) => {
    if (ordered.includes(s)) return;
    if (visiting.has(s.name)) throw new Error(`depends_on cycle through ${s.name}`);
    visiting.add(s.name);
    for (const dep of s.dependsOn) {
      const target = byName.get(dep.service);
      if (!target) throw new Error(`${s.name} depends on unknown service ${dep.service}`);
      visit(target);
    }
    ordered.push(s);
  };
  services.forEach(visit);
  return ordered;
}

function refuseUnknown(where: string, value: object, known: Set<string>): void {
  // `x-…` keys are Compose extension fields (anchors for merging): nothing to run.
  const unknown = Object.keys(value).filter((k) => !known.has(k) && !k.startsWith('x-'));
  if (unknown.length > 0) {
    throw new Error(
      `${where} uses ${unknown.join(', ')}, which the container test does not translate ` +
        '(tools/dev/src/containers/compose-plan.ts)',
    );
  }
}

/** Compose v2's container name for a replica: `<project>-<service>-<n>`. */
export function containerName(project: string, service: string, replica: number): string {
  return `${project}-${service}-${replica}`;
}

/** Compose's name for a declared volume: `<project>_<volume>`. */
export function volumeName(project: string, volume: string): string {
  return `${project}_${volume}`;
}

/**
 * `podman run` arguments for one replica, as Compose would create it: on the project's network
 * under the service's name, with its environment, named volumes, restart policy and health
 * check (podman records it; without systemd nobody runs it, so the caller does). `once`: run
 * in the foreground and remove it after (no network, restart policy or health check).
 */
export function runArgs(
  plan: StackPlan,
  service: ServicePlan,
  replica: number,
  options: { image: string; network?: string; once?: boolean; labels?: Record<string, string> },
): string[] {
  const args = [
    'run',
    options.once ? '--rm' : '--detach',
    '--name',
    containerName(plan.project, service.name, replica),
  ];
  if (options.network) {
    args.push('--network', options.network);
    for (const alias of [service.name, ...service.aliases]) args.push('--network-alias', alias);
  } else args.push('--network', 'none');
  for (const [k, v] of Object.entries(service.sysctls)) args.push('--sysctl', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.labels ?? {})) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(service.environment)) args.push('--env', `${k}=${v}`);
  for (const v of service.volumes) {
    const volume = volumeName(plan.project, v.volume);
    args.push('--volume', `${volume}:${v.target}${v.readOnly ? ':ro' : ''}`);
  }
  const h = service.healthcheck;
  if (!options.once && service.restart) args.push('--restart', service.restart);
  if (!options.once && h) {
    args.push(
      '--health-cmd',
      'exec' in h.test ? JSON.stringify(h.test.exec) : h.test.shell,
      '--health-interval',
      `${h.intervalMs}ms`,
      '--health-timeout',
      `${h.timeoutMs}ms`,
      '--health-retries',
      String(h.retries),
      '--health-start-period',
      `${h.startPeriodMs}ms`,
    );
  }
  args.push(options.image, ...(service.command ?? []));
  return args;
}
