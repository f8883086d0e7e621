/** Scenarios over the running chain: emulator, API, proxies, web (all child processes). */
import http from 'node:http';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { pool, request } from '../http';
import { rssBytes } from '../processes';
import { processCpuSeconds } from '../cpu';
import { benchUserId, type ApiServer, type Emulator, type Server } from '../stack';
import { summarize, type LatencySummary } from '../stats';
import { load, type LoadResult } from './autocannon';

async function getSubscriptions(api: Server, token: string, agent: http.Agent): Promise<number> {
  const started = performance.now();
  const reply = await request(`${api.url}/api/subscriptions`, {
    agent,
    headers: { authorization: `Bearer ${token}` },
  });
  if (reply.status !== 200) {
    throw new Error(`GET /api/subscriptions → ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  return performance.now() - started;
}

/** Mints user tokens for bench users [from, from + count) through the control plane. */
export async function mintUsers(emu: Emulator, from: number, count: number): Promise<string[]> {
  const tokens: string[] = new Array<string>(count);
  await pool(count, 8, async (i) => {
    const oid = benchUserId(from + i);
    tokens[i] = await emu.userToken(oid, `bench${from + i}@${EMULATOR_DEFAULTS.tenantDomain}`);
  });
  return tokens;
}

export interface ColdResult {
  users: number;
  concurrency: number;
  usersPerSecond: number;
  latency: LatencySummary;
  oboCalls: number;
  /** CPU seconds (utime + stime from /proc) the API and the emulator used over the scenario. */
  apiCpuSeconds: number;
  emulatorCpuSeconds: number;
}

/** Distinct users, each one's first call (a real OBO exchange at the emulator). */
export async function coldObo(
  emu: Emulator,
  api: Server,
  tokens: string[],
  concurrency: number,
): Promise<ColdResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const before = await emu.counters();
  const latencies: number[] = [];
  const apiCpu = processCpuSeconds(api.child.pid);
  const emulatorCpu = processCpuSeconds(emu.child.pid);
  const started = performance.now();
  await pool(tokens.length, concurrency, async (i) => {
    latencies.push(await getSubscriptions(api, tokens[i], agent));
  });
  const seconds = (performance.now() - started) / 1000;
  const apiCpuSeconds = processCpuSeconds(api.child.pid) - apiCpu;
  const emulatorCpuSeconds = processCpuSeconds(emu.child.pid) - emulatorCpu;
  const after = await emu.counters();
  agent.destroy();
  return {
    users: tokens.length,
    concurrency,
    usersPerSecond: tokens.length / seconds,
    latency: summarize(latencies),
    oboCalls: after.token.on_behalf_of - before.token.on_behalf_of,
    apiCpuSeconds,
    emulatorCpuSeconds,
  };
}

/** The emulator's own OBO issuance rate: its token endpoint hammered directly. */
export async function tokenEndpointRate(
  emu: Emulator,
  assertion: string,
  connections: number,
  duration: number,
): Promise<LoadResult> {
  return load({
    url: emu.tokenUrl,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: emu.oboForm(assertion),
  });
}

export interface BurstResult {
  concurrent: number;
  ok: number;
  oboCalls: number;
  latency: LatencySummary;
}

/** N concurrent first calls with one new user token. */
export async function burst(
  emu: Emulator,
  api: Server,
  token: string,
  n: number,
): Promise<BurstResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  // Open the sockets first so the N requests really arrive together.
  await Promise.all(Array.from({ length: n }, () => request(`${api.url}/healthz`, { agent })));
  const before = await emu.counters();
  const latencies = await Promise.all(
    Array.from({ length: n }, () => getSubscriptions(api, token, agent)),
  );
  const after = await emu.counters();
  agent.destroy();
  return {
    concurrent: n,
    ok: latencies.length,
    oboCalls: after.token.total - before.token.total,
    latency: summarize(latencies),
  };
}

export interface SteadyResult {
  requests: number;
  jwksFetches: number;
  tokenCalls: number;
  armCalls: number;
}

/** Warm requests; JWKS and token-endpoint calls counted by the emulator. */
export async function steadyState(
  emu: Emulator,
  api: Server,
  token: string,
  requests: number,
): Promise<SteadyResult> {
  const before = await emu.counters();
  await load({
    url: `${api.url}/api/subscriptions`,
    connections: 10,
    amount: requests,
    headers: { authorization: `Bearer ${token}` },
  });
  const after = await emu.counters();
  return {
    requests,
    jwksFetches: after.jwks - before.jwks,
    tokenCalls: after.token.total - before.token.total,
    armCalls: after.arm.total - before.arm.total,
  };
}

export interface MemoryResult {
  targetUsers: number;
  users: number;
  seconds: number;
  usersPerSecond: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPeakBytes: number;
  timeLimited: boolean;
  /** RSS (MiB) after every `step` users: [users, MiB]. */
  rssSeries: [number, number][];
  /** The API's own gauges at the end (`/metrics`): L1 entries and bytes, V8 heap used. */
  l1Entries: number;
  l1Bytes: number;
  heapUsedBytes: number;
  /** L1 entries before the first user of this scenario (earlier scenarios' users). */
  l1EntriesBefore: number;
  /** The L1 bounds the API was started with (`OBO_CACHE_MAX_ENTRIES`, `OBO_CACHE_MAX_BYTES`). */
  l1MaxEntries: number;
  l1MaxBytes: number;
  /** CPU seconds (utime + stime from /proc) the API and the emulator used over the scenario. */
  apiCpuSeconds: number;
  emulatorCpuSeconds: number;
}

/** A gauge's value from the API's Prometheus text (NaN when absent). */
export async function apiGauge(api: Server, name: string): Promise<number> {
  const reply = await request(`${api.url}/metrics`);
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(reply.body);
  return match ? Number(match[1]) : NaN;
}

/**
 * Distinct users through the API (mint a token, first call), bounded by `users` and
 * `maxSeconds`; the API's RSS sampled before, during (peak) and after.
 */
export async function memory(
  emu: Emulator,
  api: ApiServer,
  firstUser: number,
  users: number,
  maxSeconds: number,
  concurrency: number,
): Promise<MemoryResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const l1EntriesBefore = await apiGauge(api, 'obo_cache_entries');
  const rssBeforeBytes = rssBytes(api.child.pid);
  const apiCpu = processCpuSeconds(api.child.pid);
  const emulatorCpu = processCpuSeconds(emu.child.pid);
  let rssPeakBytes = rssBeforeBytes;
  const sampler = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, rssBytes(api.child.pid));
  }, 250);
  const step = users >= 10_000 ? 1000 : 100;
  const rssSeries: [number, number][] = [[0, Math.round(rssBeforeBytes / 1024 / 1024)]];
  let completed = 0;
  const started = performance.now();
  const deadline = Date.now() + maxSeconds * 1000;
  let done: number;
  try {
    done = await pool(
      users,
      concurrency,
      async (i) => {
        const oid = benchUserId(firstUser + i);
        const token = await emu.userToken(
          oid,
          `bench${firstUser + i}@${EMULATOR_DEFAULTS.tenantDomain}`,
        );
        await getSubscriptions(api, token, agent);
        if (++completed % step === 0) {
          rssSeries.push([completed, Math.round(rssBytes(api.child.pid) / 1024 / 1024)]);
        }
      },
      deadline,
    );
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const apiCpuSeconds = processCpuSeconds(api.child.pid) - apiCpu;
  const emulatorCpuSeconds = processCpuSeconds(emu.child.pid) - emulatorCpu;
  const rssAfterBytes = rssBytes(api.child.pid);
  const [l1Entries, l1Bytes, heapUsedBytes] = await Promise.all([
    apiGauge(api, 'obo_cache_entries'),
    apiGauge(api, 'obo_cache_bytes'),
    apiGauge(api, 'nodejs_heap_size_used_bytes'),
  ]);
  return {
    targetUsers: users,
    users: done,
    seconds,
    usersPerSecond: done / seconds,
    rssBeforeBytes,
    rssAfterBytes,
    rssPeakBytes: Math.max(rssPeakBytes, rssAfterBytes),
    timeLimited: done < users,
    rssSeries,
    l1Entries,
    l1Bytes,
    heapUsedBytes,
    l1EntriesBefore,
    l1MaxEntries: api.cache.maxEntries,
    l1MaxBytes: api.cache.maxBytes,
    apiCpuSeconds,
    emulatorCpuSeconds,
  };
}
