/**
 * "Targets missed: gaps and causes": for each missed target, the run's own figures around it
 * and, for the warm and cold paths, where the CPU went according to a profile this run took.
 * Nothing here is a fixed sentence about causes; what was not measured is not claimed.
 */
import type { ResultRow } from './report';
import type { ProfileResult } from './profile/take';
import type { MemoryResult } from './scenarios/chain';
import type { ValidationResult } from './scenarios/validation';
import type { WarmResult } from './scenarios/warm';
import { memoryCpuShare, rssShape } from './memory-report';
import { ms, us, warmScenario } from './rows';
import { coldCpuMs, serverOf } from './targets';
import { fmt, pct } from './stats';
import type { BenchResults, Profiles } from './results';

type ProfileOk = Extract<ProfileResult, { ok: true }>;

/** A ratio as the row's target reads it: a percentage for throughputs, `n×` for costs. */
function shown(row: ResultRow): string {
  const r = row.ratio ?? NaN;
  return row.key === 'warm-cpu' ? `${fmt(r, 2)}×` : pct(r);
}

function validationGap(row: ResultRow, v: ValidationResult): string {
  const raw = v.cases[0];
  const ours = v.cases.find((c) => c.name === row.metric);
  const jwt = v.cases.find((c) => c.name === 'jsonwebtoken.verify (KeyObject)');
  const perRound = (ours?.roundsNs ?? []).map((ns, i) => (raw.roundsNs?.[i] ?? NaN) / ns);
  const finite = perRound.filter(Number.isFinite);
  return (
    `- **${row.metric}: ${pct(row.ratio ?? NaN)} of raw's rate** (target ${row.target}): ` +
    `${fmt(((ours?.nsPerOp ?? NaN) - raw.nsPerOp) / 1000, 1)} µs per token on top of the ` +
    `${fmt(raw.nsPerOp / 1000, 1)} µs of the raw verify (medians of ${v.rounds} rounds)` +
    (finite.length
      ? `; round by round the ratio ranged ${pct(Math.min(...finite))}–${pct(Math.max(...finite))}`
      : '') +
    (jwt
      ? `; jsonwebtoken.verify with the same KeyObject: ${pct(jwt.opsPerSecond / raw.opsPerSecond)}.`
      : '.')
  );
}

function warmFigures(row: ResultRow, w: WarmResult): string {
  const api = serverOf(w, 'api');
  if (row.key === 'warm-cpu') {
    const floor = serverOf(w, 'floor');
    return (
      `API ${us(api.cpuPerRequestUs)} vs floor ${us(floor.cpuPerRequestUs)} CPU per request ` +
      `(gate ${us(serverOf(w, 'gate').cpuPerRequestUs)}, Express + axios ` +
      `${us(serverOf(w, 'diagnostic').cpuPerRequestUs)}); rounds: API ${api.cpuRuns.join(', ')} µs, ` +
      `floor ${floor.cpuRuns.join(', ')} µs.`
    );
  }
  const gate = serverOf(w, 'gate');
  return (
    `API ${fmt(api.requestsPerSecond)} vs gate ${fmt(gate.requestsPerSecond)} req/s; rounds: ` +
    `API ${api.runs.join(', ')}, gate ${gate.runs.join(', ')}.`
  );
}

/** A table of categories: the first profile's self time (and with runtime), then others' self. */
export function profileTable(main: ProfileOk, others: ProfileOk[] = [], top = 12): string[] {
  const unit = main.unit;
  const picked = main.attribution.categories.slice(0, top).map((c) => c.name);
  for (const other of others) {
    for (const c of other.attribution.categories.slice(0, 5)) {
      if (!picked.includes(c.name)) picked.push(c.name);
    }
  }
  const selfOf = (p: ProfileOk, name: string) =>
    p.attribution.categories.find((c) => c.name === name)?.selfUs ?? 0;
  const rest = (p: ProfileOk) =>
    p.attribution.categories
      .filter((c) => !picked.includes(c.name))
      .reduce((sum, c) => sum + c.selfUs, 0);
  const header = [
    'category',
    `${main.label}: self µs per ${unit}`,
    `${main.label}: with the Node internals and native code it calls`,
    ...others.map((o) => `${o.label}: self µs per ${o.unit}`),
  ];
  const line = (cells: string[]) => `  | ${cells.join(' | ')} |`;
  const withRuntime = (name: string) =>
    main.attribution.categories.find((c) => c.name === name)?.withRuntimeUs ?? 0;
  return [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...picked.map((name) =>
      line([
        name,
        fmt(selfOf(main, name)),
        fmt(withRuntime(name)),
        ...others.map((o) => fmt(selfOf(o, name))),
      ]),
    ),
    line(['everything else', fmt(rest(main)), '', ...others.map((o) => fmt(rest(o)))]),
    line([
      '**all non-idle samples**',
      fmt(main.attribution.busyUs),
      '',
      ...others.map((o) => fmt(o.attribution.busyUs)),
    ]),
    line([
      '**process CPU (/proc) in the window**',
      fmt(main.cpuPerUnitUs),
      '',
      ...others.map((o) => fmt(o.cpuPerUnitUs)),
    ]),
  ];
}

/** The categories where `a` spends the most self time over `b`. */
function largestDifferences(a: ProfileOk, b: ProfileOk, count = 5): string {
  const selfOf = (p: ProfileOk, name: string) =>
    p.attribution.categories.find((c) => c.name === name)?.selfUs ?? 0;
  const names = new Set(
    [...a.attribution.categories, ...b.attribution.categories].map((c) => c.name),
  );
  return [...names]
    .map((name) => ({ name, diff: selfOf(a, name) - selfOf(b, name) }))
    .filter((d) => d.diff > 0)
    .sort((x, y) => y.diff - x.diff)
    .slice(0, count)
    .map((d) => `${d.name} +${fmt(d.diff)} µs`)
    .join(', ');
}

function describe(p: ProfileResult): string {
  return `${p.label}, ${p.what}`;
}

/** The warm-path profile paragraph, or why there is none. */
export function warmProfileText(profiles: Profiles): string[] {
  const taken = profiles.warm;
  if (!taken)
    return [`  No profile of the warm path in this run (${profiles.skipped.warm ?? 'not taken'}).`];
  const { api, floor } = taken;
  if (!api.ok) return [`  Profiling the API failed in this run (${describe(api)}): ${api.error}.`];
  const out = [
    "  Where the CPU goes, from this run's profiles (`node --cpu-prof` on fresh children; " +
      describe(api) +
      (floor.ok ? `; ${describe(floor)}` : '') +
      `). µs per ${api.unit}: the samples whose top frame is in each category (by its original ` +
      'source: the API bundle is mapped back through its source map) × the ' +
      `${fmt(api.attribution.intervalUs)} µs sampling interval ÷ the ${api.unit}s of the ` +
      'window. The profile samples the main thread, /proc counts every thread; both include ' +
      'the profiler’s own cost:',
    '',
    ...profileTable(api, floor.ok ? [floor] : []),
    '',
  ];
  if (floor.ok) {
    out.push(`  Largest differences, API − floor (self): ${largestDifferences(api, floor)}.`);
  } else {
    out.push(`  Profiling the floor failed in this run: ${floor.error}.`);
  }
  return out;
}

function coldGap(row: ResultRow, r: BenchResults): string[] {
  const c = r.cold;
  const out = [
    `- **${row.metric}: ${ms(coldCpuMs(c))}** (target ${row.target}): ${fmt(c.apiCpuSeconds, 2)} ` +
      `CPU-s over ${fmt(c.users)} cold users; the emulator used ` +
      `${ms((c.emulatorCpuSeconds * 1000) / c.users)} per user in the same window.`,
  ];
  const p = r.profiles.cold;
  if (!p)
    out.push(
      `  No profile of the cold path in this run (${r.profiles.skipped.cold ?? 'not taken'}).`,
    );
  else if (!p.ok)
    out.push(`  Profiling the cold path failed in this run (${describe(p)}): ${p.error}.`);
  else {
    out.push(
      `  From this run's profile (${describe(p)}), µs per ${p.unit} (samples × the ` +
        `${fmt(p.attribution.intervalUs)} µs interval ÷ the ${p.unit}s of the window):`,
      '',
      ...profileTable(p),
      '',
    );
  }
  return out;
}

function memoryUsersGap(m: MemoryResult, cores: number): string {
  return (
    `- **Memory: ${fmt(m.users)} of ${fmt(m.targetUsers)} users** in the time box ` +
    `(${fmt(m.usersPerSecond)} users/s; all of them would take about ` +
    `${fmt(m.targetUsers / m.usersPerSecond / 60, 1)} min at that rate). ${memoryCpuShare(m, cores)}`
  );
}

/** The warm path's missed targets with their figures, then the profile (or why there is none). */
export function warmGaps(
  warm: readonly WarmResult[],
  rows: readonly ResultRow[],
  profiles: Profiles,
): string[] {
  const missed = rows.filter(
    (row) => row.met === false && (row.key === 'warm-cpu' || row.key === 'warm-throughput'),
  );
  if (missed.length === 0) return [];
  return [
    ...missed.map((row) => {
      const w = warm.find((x) => warmScenario(x) === row.scenario);
      return `- **${row.metric}: ${shown(row)}** (target ${row.target}): ${w ? warmFigures(row, w) : ''}`;
    }),
    ...warmProfileText(profiles),
  ];
}

/** One bullet (or block) per missed target; a line saying so when none is missed. */
export function gaps(r: BenchResults, rows: ResultRow[]): string[] {
  const out: string[] = [];
  let warmDone = false;
  for (const row of rows.filter((x) => x.met === false)) {
    if (row.key === 'validation') out.push(validationGap(row, r.validation));
    else if (row.key === 'warm-cpu' || row.key === 'warm-throughput') {
      if (!warmDone) out.push(...warmGaps(r.warm, rows, r.profiles));
      warmDone = true;
    } else if (row.key === 'cold-cpu') out.push(...coldGap(row, r));
    else if (row.key === 'memory-users') out.push(memoryUsersGap(r.memory, r.meta.cores));
    else if (row.key === 'memory-rss' || row.key === 'memory-plateau') {
      out.push(
        `- **${row.metric}: ${row.value}** (${row.baseline}, target ${row.target}). ${rssShape(r.memory)}`,
      );
    } else {
      out.push(`- **${row.scenario} — ${row.metric}:** ${row.value} (target ${row.target}).`);
    }
  }
  return out.length ? out : ['- None: every target is met in this run.'];
}
