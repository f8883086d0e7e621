import {
  containerName,
  runArgs,
  volumeName,
  type ServicePlan,
  type StackPlan,
} from '../compose-plan';
import { podman, podmanOk } from './podman';

/** Label on everything the container test creates, so a later run can clear leftovers. */
export const LABEL = 'obo.container-test';

export interface RunningStack {
  plan: StackPlan;
  network: string;
  /** Container names per service, replica 1 first. */
  containers: Record<string, string[]>;
}

/**
 * Starts `plan` as `docker compose up` would: the project network and volumes, then each
 * service's replicas once the services it depends on meet their condition. `images` maps a
 * service to the image to run.
 */
export async function startStack(
  plan: StackPlan,
  images: Record<string, string>,
  log: (line: string) => void,
): Promise<RunningStack> {
  const network = `${plan.project}_default`;
  await podmanOk(['network', 'create', '--label', LABEL, network]);
  for (const volume of plan.volumes) {
    await podmanOk(['volume', 'create', '--label', LABEL, volumeName(plan.project, volume)]);
  }
  const stack: RunningStack = { plan, network, containers: {} };
  for (const service of plan.services) {
    for (const dep of service.dependsOn) {
      const target = plan.services.find((s) => s.name === dep.service) as ServicePlan;
      const started = Date.now();
      if (dep.condition === 'service_healthy') {
        await Promise.all(stack.containers[dep.service].map((c) => waitHealthy(c, target)));
        log(`${dep.service} healthy for ${service.name} after ${Date.now() - started} ms`);
      } else if (dep.condition !== 'service_started') {
        throw new Error(`depends_on condition ${dep.condition} is not supported here`);
      }
    }
    stack.containers[service.name] = [];
    for (let replica = 1; replica <= service.replicas; replica++) {
      await podmanOk(
        runArgs(plan, service, replica, {
          image: images[service.name],
          network,
          labels: { [LABEL]: plan.project },
        }),
      );
      stack.containers[service.name].push(containerName(plan.project, service.name, replica));
    }
    log(`started ${stack.containers[service.name].join(', ')}`);
  }
  return stack;
}

/**
 * Runs the service's health check until it passes, as Docker's timer would, for at most what
 * Compose waits before calling it unhealthy (start period + retries × interval).
 */
export async function waitHealthy(container: string, service: ServicePlan): Promise<number> {
  const h = service.healthcheck;
  if (!h) throw new Error(`${service.name} has no healthcheck for service_healthy`);
  const started = Date.now();
  const deadline = started + h.startPeriodMs + h.retries * h.intervalMs + h.timeoutMs;
  for (;;) {
    const check = await podman(['healthcheck', 'run', container]);
    if (check.code === 0) return Date.now() - started;
    const state = await podmanOk(['inspect', '--format', '{{.State.Status}}', container]);
    if (state !== 'running' || Date.now() > deadline) {
      const logs = await podman(['logs', '--tail', '40', container]);
      throw new Error(
        `${container} not healthy (${state}) after ${Date.now() - started} ms:\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The container's address on the stack's network (the host reaches it there). */
export async function addressOf(stack: RunningStack, container: string): Promise<string> {
  const json = await podmanOk([
    'inspect',
    '--format',
    '{{json .NetworkSettings.Networks}}',
    container,
  ]);
  const networks = JSON.parse(json) as Record<string, { IPAddress: string }>;
  const address = networks[stack.network]?.IPAddress;
  if (!address) throw new Error(`${container} has no address on ${stack.network}`);
  return address;
}

/** Removes every container, network and volume a container test created (this run or before). */
export async function removeLabelled(): Promise<void> {
  const ids = (await podmanOk(['ps', '--all', '--quiet', '--filter', `label=${LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await podman(['rm', '--force', '--time', '5', ...ids]);
  const networks = (await podmanOk(['network', 'ls', '--quiet', '--filter', `label=${LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (networks.length > 0) await podman(['network', 'rm', '--force', ...networks]);
  const volumes = (await podmanOk(['volume', 'ls', '--quiet', '--filter', `label=${LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (volumes.length > 0) await podman(['volume', 'rm', '--force', ...volumes]);
}
