import { memoryRows } from './memory-report';
import type { ResultRow } from './report';
import { coldRows, warmRows } from './rows';
import type { BurstResult, ColdResult, MemoryResult } from './scenarios/chain';
import type { WarmFigures, WarmResult, WarmRole } from './scenarios/warm';
import { coldCpuMet, warmMissed, warmVerdict } from './targets';

function server(role: WarmRole, requestsPerSecond: number, cpuPerRequestUs: number): WarmFigures {
  return {
    role,
    name: role,
    requestsPerSecond,
    p50: 5,
    p99: 9,
    cpuPerRequestUs,
    runs: [requestsPerSecond],
    cpuRuns: [cpuPerRequestUs],
  };
}

function warm(api: [number, number], gate: [number, number], floor: [number, number]): WarmResult {
  return {
    user: 'alice',
    pages: 1,
    connections: 10,
    duration: 5,
    rounds: 1,
    targets: [
      server('api', ...api),
      server('gate', ...gate),
      server('floor', ...floor),
      server('diagnostic', 500, 900),
    ],
  };
}

const row = (rows: ResultRow[], key: string) => rows.find((r) => r.key === key);

describe('warm-path targets', () => {
  it('meets both at exactly 2× the floor’s CPU and 70 % of the gate’s throughput', () => {
    const w = warm([700, 600], [1000, 400], [1400, 300]);
    expect(warmVerdict(w)).toEqual({
      cpuToFloor: 2,
      cpuMet: true,
      throughputToGate: 0.7,
      throughputMet: true,
    });
    expect(warmMissed([w])).toBe(false);
    expect(row(warmRows(w), 'warm-cpu')?.met).toBe(true);
    expect(row(warmRows(w), 'warm-throughput')?.met).toBe(true);
  });

  it.each([
    ['the CPU target alone above 2× the floor', [700, 601], false, true],
    ['the throughput target alone under 70 % of the gate', [699, 500], true, false],
  ] as const)('misses %s', (_, api, cpuMet, throughputMet) => {
    const w = warm([...api], [1000, 400], [1400, 300]);
    const rows = warmRows(w);
    expect(row(rows, 'warm-cpu')?.met).toBe(cpuMet);
    expect(row(rows, 'warm-throughput')?.met).toBe(throughputMet);
    expect(warmMissed([w])).toBe(true);
  });

  it('gives no verdict when a figure was not measured', () => {
    const w = warm([700, NaN], [1000, 400], [1400, 300]);
    expect(row(warmRows(w), 'warm-cpu')?.met).toBeUndefined();
    expect(warmMissed([w])).toBe(false);
  });

  it('reports every server’s figures and the diagnostic without a target', () => {
    const rows = warmRows(warm([700, 600], [1000, 400], [1400, 300]));
    expect(rows.filter((r) => r.key === 'warm-server')).toHaveLength(4);
    expect(row(rows, 'warm-axios')).toMatchObject({ ratio: 900 / 400 });
    expect(row(rows, 'warm-axios')?.met).toBeUndefined();
  });
});

describe('cold-path targets', () => {
  const burst: BurstResult = { concurrent: 200, ok: 200, oboCalls: 1, latency: lat() };
  function lat() {
    return { count: 1, p50: 1, p99: 1, max: 1 };
  }
  function cold(users: number, apiCpuSeconds: number): ColdResult {
    return {
      users,
      concurrency: 10,
      usersPerSecond: 100,
      latency: lat(),
      oboCalls: users,
      apiCpuSeconds,
      emulatorCpuSeconds: 1,
    };
  }
  const issuance = { requestsPerSecond: 400, p50: 1, p99: 2, total: 400 };

  it('meets ≤ 1.2 ms CPU per cold user and misses above it', () => {
    expect(coldCpuMet(cold(1000, 1.2))).toBe(true);
    expect(coldCpuMet(cold(1000, 1.21))).toBe(false);
    expect(row(coldRows(cold(1000, 1.21), issuance, burst), 'cold-cpu')?.met).toBe(false);
  });

  it('holds the burst to exactly one token call', () => {
    expect(row(coldRows(cold(10, 0), issuance, burst), 'burst')?.met).toBe(true);
    expect(row(coldRows(cold(10, 0), issuance, { ...burst, oboCalls: 2 }), 'burst')?.met).toBe(
      false,
    );
  });
});

describe('memory rows', () => {
  const MiB = 1024 * 1024;
  const m: MemoryResult = {
    targetUsers: 1000,
    users: 1000,
    seconds: 10,
    usersPerSecond: 100,
    rssBeforeBytes: 100 * MiB,
    rssAfterBytes: 150 * MiB,
    rssPeakBytes: 164.5 * MiB,
    timeLimited: false,
    rssSeries: [[0, 100]],
    l1Entries: 500,
    l1Bytes: 2 * MiB,
    heapUsedBytes: 40 * MiB,
    l1EntriesBefore: 0,
    l1MaxEntries: 500,
    l1MaxBytes: 1 * MiB,
    apiCpuSeconds: 1,
    emulatorCpuSeconds: 2,
  };

  it('checks the L1 against the bounds the API was started with', () => {
    expect(row(memoryRows(m), 'memory-l1')?.met).toBe(false);
    expect(row(memoryRows({ ...m, l1MaxBytes: 2 * MiB }), 'memory-l1')?.met).toBe(true);
    expect(
      row(memoryRows({ ...m, l1MaxEntries: 499, l1MaxBytes: 2 * MiB }), 'memory-l1')?.met,
    ).toBe(false);
  });

  it('derives the RSS bound from the started L1 byte bound', () => {
    // Bound = 100 MiB before + 1 MiB L1 + 64 MiB slack = 165 MiB ≥ the 164.5 MiB peak.
    expect(row(memoryRows(m), 'memory-rss')?.met).toBe(true);
    expect(row(memoryRows({ ...m, l1MaxBytes: 0 }), 'memory-rss')?.met).toBe(false);
  });
});
