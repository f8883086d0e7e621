/**
 * Scenario 2, the warm path: `GET /api/subscriptions` with a cached OBO token against the API
 * and the bare proxies, interleaved rounds, throughput, latency and each server's own CPU per
 * request (utime + stime from /proc, sampled around every autocannon run).
 */
import { processCpuSeconds } from '../cpu';
import { median } from '../stats';
import { load, type LoadResult } from './autocannon';

/**
 * What a server is in the comparison: the API, the gate (Express + node:https), the floor
 * (node:http + node:https), or a diagnostic without a target (Express + axios).
 */
export type WarmRole = 'api' | 'gate' | 'floor' | 'diagnostic';

export interface WarmTarget {
  role: WarmRole;
  name: string;
  url: string;
  /** The server's process, whose CPU is read from /proc. */
  pid: number;
}

export interface WarmFigures {
  role: WarmRole;
  name: string;
  /** Medians over the rounds. */
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server's CPU (user + system) per completed request, µs; median over the rounds. */
  cpuPerRequestUs: number;
  /** Every round's req/s and CPU µs per request. */
  runs: number[];
  cpuRuns: number[];
}

export interface WarmResult {
  user: string;
  pages: number;
  connections: number;
  duration: number;
  rounds: number;
  targets: WarmFigures[];
}

export interface LoadOnServer extends LoadResult {
  /** CPU seconds the server's process used during the run. */
  cpuSeconds: number;
}

/** One autocannon run against `url`, with `pid`'s CPU sampled right before and right after. */
export async function loadWithCpu(
  pid: number,
  options: Parameters<typeof load>[0],
): Promise<LoadOnServer> {
  const before = processCpuSeconds(pid);
  const result = await load(options);
  return { ...result, cpuSeconds: processCpuSeconds(pid) - before };
}

/** A, B, C, D, A, B, C, D … same user token, same concurrency; medians over the rounds. */
export async function warmPath(
  targets: WarmTarget[],
  userToken: string,
  user: string,
  pages: number,
  options: { connections: number; duration: number; rounds: number },
): Promise<WarmResult> {
  const headers = { authorization: `Bearer ${userToken}` };
  // Warm every target (caches, JIT, sockets) before measuring.
  for (const t of targets) {
    await load({
      url: `${t.url}/api/subscriptions`,
      connections: options.connections,
      amount: 200,
      headers,
    });
  }
  const runs = targets.map((): LoadOnServer[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, t] of targets.entries()) {
      runs[i].push(
        await loadWithCpu(t.pid, {
          url: `${t.url}/api/subscriptions`,
          connections: options.connections,
          duration: options.duration,
          headers,
        }),
      );
    }
  }
  return {
    user,
    pages,
    connections: options.connections,
    duration: options.duration,
    rounds: options.rounds,
    targets: targets.map((t, i) => {
      const cpuRuns = runs[i].map((r) => (r.cpuSeconds * 1e6) / r.total);
      return {
        role: t.role,
        name: t.name,
        requestsPerSecond: median(runs[i].map((r) => r.requestsPerSecond)),
        p50: median(runs[i].map((r) => r.p50)),
        p99: median(runs[i].map((r) => r.p99)),
        cpuPerRequestUs: median(cpuRuns),
        runs: runs[i].map((r) => Math.round(r.requestsPerSecond)),
        cpuRuns: cpuRuns.map((us) => Math.round(us)),
      };
    }),
  };
}
