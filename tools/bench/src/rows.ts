/** The results table: every figure of a run with its baseline and, where one exists, its target. */
import type { ResultRow } from './report';
import type { BurstResult, ColdResult, SteadyResult } from './scenarios/chain';
import type { LoadResult } from './scenarios/autocannon';
import type { SignInResult } from './scenarios/signin';
import type { ValidationResult } from './scenarios/validation';
import type { WarmResult } from './scenarios/warm';
import { coldCpuMet, coldCpuMs, serverOf, TARGETS, validationMet, warmVerdict } from './targets';
import { fmt, pct, ratio } from './stats';

export const ms = (v: number) => `${fmt(v, 1)} ms`;
export const us = (v: number) => `${fmt(v)} µs`;
const rps = (v: number) => `${fmt(v)} req/s`;

export function validationRows(v: ValidationResult): ResultRow[] {
  const raw = v.cases[0];
  return v.cases.slice(1).map((c) => {
    const ours = c.name.startsWith('ours');
    return {
      ...(ours ? { key: 'validation' } : {}),
      scenario: '1 validation',
      metric: c.name,
      value: `${fmt(c.opsPerSecond)} ops/s (${fmt(c.nsPerOp / 1000, 1)} µs)`,
      baseline: `raw verify ${fmt(raw.opsPerSecond)} ops/s (${fmt(raw.nsPerOp / 1000, 1)} µs)`,
      ratio: ratio(c.opsPerSecond, raw.opsPerSecond),
      ...(ours
        ? {
            targetRatio: TARGETS.validationToRawVerify,
            target: `≥ ${pct(TARGETS.validationToRawVerify)} of raw rate`,
            met: validationMet(c.opsPerSecond, raw.opsPerSecond),
          }
        : {}),
    };
  });
}

const ROLE_TARGET = {
  api: 'the figures with targets follow',
  gate: 'the gate (throughput)',
  floor: 'the floor (CPU per request)',
  diagnostic: 'diagnostic, no target',
} as const;

/** The scenario label of one user's warm path, e.g. `2 warm path (bob, 3 pages)`. */
export function warmScenario(w: Pick<WarmResult, 'user' | 'pages'>): string {
  return `2 warm path (${w.user}, ${w.pages} page${w.pages > 1 ? 's' : ''})`;
}

/** Scenario 2 for one user: each server's figures, then the two targets and the diagnostic. */
export function warmRows(w: WarmResult): ResultRow[] {
  const scenario = warmScenario(w);
  const api = serverOf(w, 'api');
  const gate = serverOf(w, 'gate');
  const floor = serverOf(w, 'floor');
  const diagnostic = serverOf(w, 'diagnostic');
  const v = warmVerdict(w);
  return [
    ...w.targets.map((t): ResultRow => ({
      key: 'warm-server',
      scenario,
      metric: `${t.name}: throughput · CPU per request · p50 / p99`,
      value: `${rps(t.requestsPerSecond)} · ${us(t.cpuPerRequestUs)} · ${ms(t.p50)} / ${ms(t.p99)}`,
      baseline: '—',
      target: ROLE_TARGET[t.role],
    })),
    {
      key: 'warm-cpu',
      scenario,
      metric: `API CPU per request vs the node:http proxy's (${w.user})`,
      value: us(api.cpuPerRequestUs),
      baseline: `floor ${us(floor.cpuPerRequestUs)}`,
      ratio: v.cpuToFloor,
      targetRatio: TARGETS.warmCpuToFloor,
      target: `≤ ${TARGETS.warmCpuToFloor}× the floor`,
      met: v.cpuMet,
    },
    {
      key: 'warm-throughput',
      scenario,
      metric: `API throughput vs the Express + node:https proxy's (${w.user})`,
      value: rps(api.requestsPerSecond),
      baseline: `gate ${rps(gate.requestsPerSecond)}`,
      ratio: v.throughputToGate,
      targetRatio: TARGETS.warmThroughputToGate,
      target: `≥ ${pct(TARGETS.warmThroughputToGate)} of the gate`,
      met: v.throughputMet,
    },
    {
      key: 'warm-axios',
      scenario,
      metric: 'Express + axios vs Express + node:https, CPU per request (what axios adds)',
      value: us(diagnostic.cpuPerRequestUs),
      baseline: us(gate.cpuPerRequestUs),
      ratio: ratio(diagnostic.cpuPerRequestUs, gate.cpuPerRequestUs),
      target: 'diagnostic, no target',
    },
  ];
}

/** Scenarios 3 (cold OBO) and 4 (burst). */
export function coldRows(cold: ColdResult, issuance: LoadResult, burst: BurstResult): ResultRow[] {
  return [
    {
      scenario: '3 cold OBO',
      metric: `${fmt(cold.users)} distinct users, first call (${cold.concurrency} in flight)`,
      value: `${fmt(cold.usersPerSecond)} users/s`,
      baseline: `emulator OBO issuance ${fmt(issuance.requestsPerSecond)} tokens/s`,
      ratio: ratio(cold.usersPerSecond, issuance.requestsPerSecond),
    },
    {
      key: 'cold-cpu',
      scenario: '3 cold OBO',
      metric: 'API CPU per cold user (its process, over the scenario)',
      value: ms(coldCpuMs(cold)),
      baseline: `emulator ${ms((cold.emulatorCpuSeconds * 1000) / cold.users)} per user`,
      target: `≤ ${TARGETS.coldCpuMs} ms`,
      met: coldCpuMet(cold),
    },
    {
      scenario: '3 cold OBO',
      metric: 'first-call latency p50 / p99',
      value: `${ms(cold.latency.p50)} / ${ms(cold.latency.p99)}`,
      baseline: `token endpoint alone ${ms(issuance.p50)} / ${ms(issuance.p99)}`,
    },
    {
      scenario: '3 cold OBO',
      metric: 'token-endpoint calls for the cold users',
      value: fmt(cold.oboCalls),
      baseline: `${fmt(cold.users)} users`,
      target: '= users',
      met: cold.oboCalls === cold.users,
    },
    {
      key: 'burst',
      scenario: '4 burst',
      metric: `${burst.concurrent} concurrent first calls, one token`,
      value: `${burst.oboCalls} token-endpoint call(s)`,
      baseline: '1',
      target: `exactly ${TARGETS.burstTokenCalls}`,
      met: burst.oboCalls === TARGETS.burstTokenCalls,
    },
    {
      scenario: '4 burst',
      metric: 'burst latency p50 / p99',
      value: `${ms(burst.latency.p50)} / ${ms(burst.latency.p99)}`,
      baseline: '—',
    },
  ];
}

/** Scenarios 6 (steady state) and 7 (sign-in). */
export function steadyRows(s: SteadyResult, signIn: SignInResult): ResultRow[] {
  const per10k = (n: number) => (n * 10_000) / s.requests;
  return [
    {
      scenario: '6 steady state',
      metric: `JWKS fetches per 10,000 warm requests (${fmt(s.requests)} sent)`,
      value: fmt(per10k(s.jwksFetches), 1),
      baseline: '0',
      target: '0',
      met: s.jwksFetches === 0,
    },
    {
      scenario: '6 steady state',
      metric: 'token-endpoint calls per 10,000 warm requests',
      value: fmt(per10k(s.tokenCalls), 1),
      baseline: '0',
      target: '0',
      met: s.tokenCalls === 0,
    },
    {
      scenario: '7 sign-in',
      metric: `web sign-in round trip (${signIn.signIns} sign-ins)`,
      value: `p50 ${ms(signIn.latency.p50)} / p99 ${ms(signIn.latency.p99)}`,
      baseline: '—',
    },
  ];
}
