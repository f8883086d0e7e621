import { profileTable, warmGaps } from './gaps';
import type { ProfileResult } from './profile/take';
import { BENCH_VERSION, savedResults, StaleResultsError, type Profiles } from './results';
import { warmRows } from './rows';
import type { WarmFigures, WarmResult, WarmRole } from './scenarios/warm';

function server(
  role: WarmRole,
  requestsPerSecond: number,
  cpuPerRequestUs: number,
  runs: number[],
  cpuRuns: number[],
): WarmFigures {
  return { role, name: role, requestsPerSecond, p50: 1, p99: 2, cpuPerRequestUs, runs, cpuRuns };
}

const warm: WarmResult = {
  user: 'alice',
  pages: 1,
  connections: 10,
  duration: 5,
  rounds: 2,
  targets: [
    server('api', 400, 1111, [401, 399], [1110, 1112]),
    server('gate', 1000, 700, [1000, 1000], [700, 700]),
    server('floor', 1500, 333, [1500, 1500], [333, 333]),
    server('diagnostic', 800, 900, [800, 800], [900, 900]),
  ],
};

function profile(
  label: string,
  categories: [string, number][],
): Extract<ProfileResult, { ok: true }> {
  return {
    ok: true,
    label,
    what: 'a window',
    unit: 'request',
    units: 100,
    cpuPerUnitUs: 4321,
    attribution: {
      units: 100,
      intervalUs: 1000,
      busyUs: categories.reduce((sum, [, v]) => sum + v, 0),
      categories: categories.map(([name, selfUs]) => ({ name, selfUs, withRuntimeUs: selfUs })),
    },
  };
}

describe('warmGaps', () => {
  const rows = warmRows(warm);

  it('states each missed target with the run’s own figures and rounds', () => {
    const text = warmGaps([warm], rows, { skipped: { warm: 'not profiled here' } }).join('\n');
    expect(text).toContain('1,111');
    expect(text).toContain('333');
    expect(text).toContain('1110, 1112');
    expect(text).toContain('401, 399');
    expect(text).toContain('not profiled here');
  });

  it('prints the profile’s categories and the largest differences from the floor', () => {
    const profiles: Profiles = {
      warm: {
        api: profile('API', [
          ['node internals', 500],
          ['axios', 321],
          ['apps/api', 45],
        ]),
        floor: profile('floor', [
          ['node internals', 200],
          ['tools/bench', 30],
        ]),
      },
      skipped: {},
    };
    const text = warmGaps([warm], rows, profiles).join('\n');
    expect(text).toMatch(/\| axios \| 321 \| 321 \| 0 \|/);
    expect(text).toMatch(/\| tools\/bench \| 0 \| 0 \| 30 \|/);
    expect(text).toContain('4,321');
    expect(text).toContain('axios +321 µs');
    expect(text).toContain('node internals +300 µs');
  });

  it('says that profiling failed, with the error, instead of a cause', () => {
    const failed: ProfileResult = {
      ok: false,
      label: 'API',
      what: 'a window',
      unit: 'request',
      error: 'no .cpuprofile written',
    };
    const text = warmGaps([warm], rows, {
      warm: { api: failed, floor: failed },
      skipped: {},
    }).join('\n');
    expect(text).toContain('no .cpuprofile written');
    expect(text).not.toContain('|');
  });

  it('says nothing when every warm target is met', () => {
    const met = warmRows({
      ...warm,
      targets: warm.targets.map((t) =>
        t.role === 'api' ? { ...t, requestsPerSecond: 1000, cpuPerRequestUs: 600 } : t,
      ),
    });
    expect(warmGaps([warm], met, { skipped: {} })).toEqual([]);
  });
});

describe('profileTable', () => {
  it('lists the top categories, the rest, the samples and /proc, per unit', () => {
    const lines = profileTable(
      profile('API', [
        ['a', 30],
        ['b', 20],
        ['c', 10],
      ]),
      [],
      2,
    );
    expect(lines[2]).toContain('| a | 30 |');
    expect(lines[4]).toContain('| everything else | 10 |');
    expect(lines[5]).toContain('| 60 |');
    expect(lines[6]).toContain('| 4,321 |');
  });
});

describe('savedResults', () => {
  it('refuses a file from an older bench version', () => {
    const old = JSON.stringify({ meta: {}, warm: [], rows: [] });
    expect(() => savedResults(old, 'benchmarks.json')).toThrow(StaleResultsError);
    expect(() =>
      savedResults(JSON.stringify({ benchVersion: BENCH_VERSION - 1 }), 'benchmarks.json'),
    ).toThrow(StaleResultsError);
  });

  it('accepts a file of this version', () => {
    const saved = savedResults<{ benchVersion: number; x: number }>(
      JSON.stringify({ benchVersion: BENCH_VERSION, x: 1 }),
      'benchmarks.json',
    );
    expect(saved.x).toBe(1);
  });
});
