import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';
import { durationMs, planStack, runArgs } from './compose-plan';

const root = findWorkspaceRoot(__dirname);

/** A minimal `docker-compose config`-like document with `service` as its one service `s`. */
const withService = (service: string, extra = '') =>
  `services:\n  s:\n    image: busybox\n${service}${extra}`;

describe('compose plan', () => {
  const plan = planStack(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), 'obo');
  const service = (name: string) => plan.services.find((s) => s.name === name);

  it('starts the emulator stack in dependency order, with its replicas', () => {
    expect(plan.services.map((s) => `${s.name}×${s.replicas}`)).toEqual([
      'entra-emulator×1',
      'redis×1',
      'api×2',
      'web×1',
    ]);
    expect(service('web')?.dependsOn).toEqual([
      { service: 'api', condition: 'service_healthy' },
      { service: 'redis', condition: 'service_healthy' },
    ]);
  });

  it('translates one replica into podman run arguments Compose would use', () => {
    const api = service('api');
    if (!api) throw new Error('no api service');
    const args = runArgs(plan, api, 2, { image: 'localhost/obo-api', network: 'obo_default' });
    expect(args.slice(0, 7)).toEqual([
      'run',
      '--detach',
      '--name',
      'obo-api-2',
      '--network',
      'obo_default',
      '--network-alias',
    ]);
    expect(args).toContain('api');
    expect(args).toContain('obo_emulator-ca:/emulator-ca:ro');
    expect(args).toContain('REDIS_URL=redis://redis:6379');
    expect(args.join(' ')).toContain('--restart unless-stopped');
    const cmd = JSON.parse(args[args.indexOf('--health-cmd') + 1]) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(cmd[2]).toContain("path:'/readyz'");
    expect(args[args.indexOf('--health-retries') + 1]).toBe('20');
    expect(args.at(-1)).toBe('localhost/obo-api');
  });

  it('gives the emulator Microsoft’s names on the network, and the sysctl for port 443', () => {
    const emulator = service('entra-emulator');
    if (!emulator) throw new Error('no entra-emulator service');
    const args = runArgs(plan, emulator, 1, { image: 'i', network: 'obo_default' });
    const aliases = args.filter((_a, i) => args[i - 1] === '--network-alias');
    expect(aliases).toEqual(
      expect.arrayContaining([
        'entra-emulator',
        'login.microsoftonline.com',
        'management.azure.com',
      ]),
    );
    expect(args[args.indexOf('--sysctl') + 1]).toBe('net.ipv4.ip_unprivileged_port_start=0');
  });

  it('runs a one-off replica in the foreground: removed after, no network, restart or health', () => {
    const web = service('web');
    if (!web) throw new Error('no web service');
    const args = runArgs(plan, web, 1, { image: 'i', once: true });
    expect(args.slice(0, 6)).toEqual(['run', '--rm', '--name', 'obo-web-1', '--network', 'none']);
    expect(args).not.toContain('--restart');
    expect(args).not.toContain('--health-cmd');
    expect(args).not.toContain('--network-alias');
  });

  it('keeps a command and a shell health check as written', () => {
    const p = planStack(
      withService(
        "    command: ['redis-server', '--appendonly', 'yes']\n    healthcheck:\n      test: redis-cli ping\n      interval: 1m30s\n",
      ),
      'p',
    );
    const args = runArgs(p, p.services[0], 1, { image: 'i', network: 'n' });
    expect(args.slice(-4)).toEqual(['i', 'redis-server', '--appendonly', 'yes']);
    expect(args[args.indexOf('--health-cmd') + 1]).toBe('redis-cli ping');
    expect(args[args.indexOf('--health-interval') + 1]).toBe('90000ms');
  });

  it.each([
    ['a service key it does not translate', withService('    privileged: true\n'), /privileged/],
    ['a top-level key it does not translate', withService('', 'networks:\n  x: {}\n'), /networks/],
    [
      'a deploy key other than replicas',
      withService('    deploy:\n      resources: {}\n'),
      /resources/,
    ],
    ['a bind mount', withService('    volumes: ["/etc:/host-etc:ro"]\n'), /not a named volume/],
    [
      'a network other than the default',
      withService('    networks:\n      backend:\n        aliases: [x]\n'),
      /only the default network/,
    ],
    [
      'a default-network setting other than aliases',
      withService('    networks:\n      default:\n        ipv4_address: 10.0.0.9\n'),
      /ipv4_address/,
    ],
    ['a shell-string command', withService('    command: redis-server --x\n'), /exec form/],
    [
      'a dependency on an unknown service',
      withService('    depends_on:\n      ghost:\n        condition: service_started\n'),
      /unknown service ghost/,
    ],
  ])('refuses %s', (_name, doc, message) => {
    expect(() => planStack(doc, 'p')).toThrow(message);
  });

  it('refuses a depends_on cycle', () => {
    const doc = [
      'services:',
      '  a: {image: x, depends_on: {b: {condition: service_started}}}',
      '  b: {image: x, depends_on: {a: {condition: service_started}}}',
    ].join('\n');
    expect(() => planStack(doc, 'p')).toThrow(/cycle/);
  });

  it('reads Compose durations', () => {
    expect(durationMs('5s', 0)).toBe(5000);
    expect(durationMs('1m30s', 0)).toBe(90_000);
    expect(durationMs('250ms', 0)).toBe(250);
    expect(durationMs(undefined, 30_000)).toBe(30_000);
    expect(() => durationMs('5 seconds', 0)).toThrow(/duration/);
  });
});
