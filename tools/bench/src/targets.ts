/**
 * The performance targets (DESIGN.md §5, issue 16) and the verdicts on a run's figures. A
 * figure that could not be measured (NaN) gets no verdict rather than a miss.
 */
import type { ColdResult } from './scenarios/chain';
import type { WarmFigures, WarmResult, WarmRole } from './scenarios/warm';
import { ratio } from './stats';

export const TARGETS = {
  /** Our validation's rate ≥ 75 % of one raw RS256 `crypto.verify` (cost ≤ 1.3×). */
  validationToRawVerify: 0.75,
  /** The API's CPU per warm request ≤ 2× the node:http proxy's (the floor). */
  warmCpuToFloor: 2,
  /** The API's warm throughput ≥ 70 % of the Express + node:https proxy's (the gate). */
  warmThroughputToGate: 0.7,
  /** The API's CPU per cold user (a first call: OBO exchange, L1 fill, ARM), ms. */
  coldCpuMs: 1.2,
  /** Token-endpoint calls for a burst of concurrent first calls carrying one new token. */
  burstTokenCalls: 1,
} as const;

/** `test(value)` when the value was measured, undefined otherwise. */
function verdict(value: number, test: (v: number) => boolean): boolean | undefined {
  return Number.isFinite(value) ? test(value) : undefined;
}

export function validationMet(ours: number, raw: number): boolean | undefined {
  return verdict(ratio(ours, raw), (r) => r >= TARGETS.validationToRawVerify);
}

/** The figures of the server playing `role` (NaN figures when it is missing). */
export function serverOf(w: WarmResult, role: WarmRole): WarmFigures {
  return (
    w.targets.find((t) => t.role === role) ?? {
      role,
      name: role,
      requestsPerSecond: NaN,
      p50: NaN,
      p99: NaN,
      cpuPerRequestUs: NaN,
      runs: [],
      cpuRuns: [],
    }
  );
}

export interface WarmVerdict {
  /** API CPU per request ÷ the floor's. */
  cpuToFloor: number;
  cpuMet: boolean | undefined;
  /** API req/s ÷ the gate's. */
  throughputToGate: number;
  throughputMet: boolean | undefined;
}

export function warmVerdict(w: WarmResult): WarmVerdict {
  const api = serverOf(w, 'api');
  const cpuToFloor = ratio(api.cpuPerRequestUs, serverOf(w, 'floor').cpuPerRequestUs);
  const throughputToGate = ratio(api.requestsPerSecond, serverOf(w, 'gate').requestsPerSecond);
  return {
    cpuToFloor,
    cpuMet: verdict(cpuToFloor, (r) => r <= TARGETS.warmCpuToFloor),
    throughputToGate,
    throughputMet: verdict(throughputToGate, (r) => r >= TARGETS.warmThroughputToGate),
  };
}

/** Whether any warm-path target is missed (what a profile of the warm path is taken for). */
export function warmMissed(results: readonly WarmResult[]): boolean {
  return results.some((w) => {
    const v = warmVerdict(w);
    return v.cpuMet === false || v.throughputMet === false;
  });
}

/** The API's CPU per cold user, ms. */
export function coldCpuMs(c: Pick<ColdResult, 'apiCpuSeconds' | 'users'>): number {
  return c.users > 0 ? (c.apiCpuSeconds * 1000) / c.users : NaN;
}

export function coldCpuMet(c: Pick<ColdResult, 'apiCpuSeconds' | 'users'>): boolean | undefined {
  return verdict(coldCpuMs(c), (msPerUser) => msPerUser <= TARGETS.coldCpuMs);
}
