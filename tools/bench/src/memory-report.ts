/**
 * Scenario 5 (memory) in the results: its rows, what RSS did (figures of the run only), and the
 * memory soak's page (`npm run bench -- --memory-soak`).
 */
import type { BenchMeta, ResultRow } from './report';
import { markdownTable } from './report';
import type { MemoryResult } from './scenarios/chain';
import { fmt } from './stats';

export const MiB = 1024 * 1024;
/** Slack over baseline + L1 for V8 heap growth, GC headroom and socket buffers. */
export const RSS_SLACK_BYTES = 64 * MiB;

/** RSS before + the L1's byte bound the API was started with + slack. */
export function rssBound(m: MemoryResult): number {
  return m.rssBeforeBytes + m.l1MaxBytes + RSS_SLACK_BYTES;
}

const mib = (bytes: number, digits = 0) => `${fmt(bytes / MiB, digits)} MiB`;

/** The memory scenario's rows (also the memory soak's). */
export function memoryRows(m: MemoryResult): ResultRow[] {
  const bound = rssBound(m);
  return [
    {
      key: 'memory-users',
      scenario: '5 memory',
      metric: `distinct users through the API (target ${fmt(m.targetUsers)})`,
      value: `${fmt(m.users)} in ${fmt(m.seconds, 1)} s (${fmt(m.usersPerSecond)} users/s)`,
      baseline: `${fmt(m.targetUsers)} users`,
      ...(m.timeLimited ? { target: `${fmt(m.targetUsers)} users`, met: false } : {}),
    },
    {
      key: 'memory-rss',
      scenario: '5 memory',
      metric: 'API RSS before → after (peak)',
      value: `${fmt(m.rssBeforeBytes / MiB)} → ${mib(m.rssAfterBytes)} (peak ${fmt(m.rssPeakBytes / MiB)})`,
      baseline: `bound ${mib(bound)}`,
      target: 'peak ≤ bound',
      met: m.rssPeakBytes <= bound,
    },
    {
      key: 'memory-l1',
      scenario: '5 memory',
      metric: 'L1 entries / bytes at the end (the API’s obo_cache_* gauges)',
      value: `${fmt(m.l1Entries)} / ${mib(m.l1Bytes, 1)}`,
      baseline: `bound ${fmt(m.l1MaxEntries)} entries / ${mib(m.l1MaxBytes)} (as started)`,
      target: '≤ bound',
      met: m.l1Entries <= m.l1MaxEntries && m.l1Bytes <= m.l1MaxBytes,
    },
    {
      scenario: '5 memory',
      metric: 'API V8 heap used at the end (nodejs_heap_size_used_bytes)',
      value: mib(m.heapUsedBytes),
      baseline: `RSS ${mib(m.rssAfterBytes)}`,
    },
  ];
}

/** How many of the scenario's users it takes to fill the L1 (earlier scenarios' entries count). */
function usersToFill(m: MemoryResult): number {
  return Math.max(0, m.l1MaxEntries - m.l1EntriesBefore);
}

/** What RSS did over the users, in the run's figures only. */
export function rssShape(m: MemoryResult): string {
  const series = m.rssSeries;
  const first = series[0];
  const last = series[series.length - 1];
  const fillAt = usersToFill(m);
  const parts: string[] = [];
  if (!first || !last) return 'No RSS samples were taken.';
  const atFill = series.filter(([users]) => users <= fillAt).pop();
  if (last[0] <= fillAt || !atFill) {
    parts.push(
      `The run ended at ${fmt(last[0])} users, before the L1 could reach its ` +
        `${fmt(m.l1MaxEntries)}-entry bound (${fmt(m.l1EntriesBefore)} entries were there before ` +
        `this scenario); RSS went ${fmt(first[1])} → ${fmt(last[1])} MiB.`,
    );
  } else {
    parts.push(
      `RSS went ${fmt(first[1])} MiB at the start → ${fmt(atFill[1])} MiB at ${fmt(atFill[0])} ` +
        `users (the L1's ${fmt(m.l1MaxEntries)}-entry bound is reached after ${fmt(fillAt)}: it ` +
        `held ${fmt(m.l1EntriesBefore)} entries before this scenario) → ${fmt(last[1])} MiB at ` +
        `${fmt(last[0])} users, peak ${mib(m.rssPeakBytes)}.`,
    );
  }
  parts.push(
    `At the end the L1 held ${fmt(m.l1Entries)} entries (${mib(m.l1Bytes, 1)}) and the V8 heap in ` +
      `use was ${mib(m.heapUsedBytes)} of the ${mib(m.rssAfterBytes)} RSS.`,
  );
  return parts.join(' ');
}

/** Which process was busy while the users went through: CPU seconds over wall seconds. */
export function memoryCpuShare(m: MemoryResult, cores: number): string {
  const used = (cpuSeconds: number) => fmt(cpuSeconds / m.seconds, 2);
  return (
    `Over the ${fmt(m.seconds, 1)} s the emulator process used ${used(m.emulatorCpuSeconds)} ` +
    `cores' worth of CPU and the API ${used(m.apiCpuSeconds)} (the machine has ${cores}); ` +
    'each user is one token minted through the emulator and one first call through the API ' +
    '(an OBO exchange at the emulator).'
  );
}

/**
 * Whether RSS levels off once the L1 is full: the highest RSS over the second half of the users
 * against the highest over the first half (GC makes RSS a sawtooth; a leak makes new highs).
 * Undefined when the run is too short to tell (under 2 × the users that fill the L1).
 */
export function plateauRow(m: MemoryResult): ResultRow | undefined {
  const series = m.rssSeries;
  const last = series[series.length - 1];
  if (!last || last[0] < 2 * Math.max(1, usersToFill(m))) return undefined;
  const mid = last[0] / 2;
  const peak = (points: [number, number][]) => Math.max(...points.map(([, v]) => v));
  const second = series.filter(([users]) => users > mid);
  const firstPeak = peak(series.filter(([users]) => users <= mid));
  const secondPeak = peak(second);
  const low = Math.min(...second.map(([, v]) => v));
  return {
    key: 'memory-plateau',
    scenario: '5 memory',
    metric: `RSS peak, users ${fmt(mid)}–${fmt(last[0])} vs the first ${fmt(mid)}`,
    value: `${fmt(secondPeak)} MiB (sawtooth ${fmt(low)}–${fmt(secondPeak)})`,
    baseline: `${fmt(firstPeak)} MiB`,
    target: 'no new high (≤ +16 MiB)',
    met: secondPeak <= firstPeak + 16,
  };
}

/** `docs/benchmarks-memory.md`: the memory soak (`npm run bench -- --memory-soak`). */
export function renderMemorySoakMarkdown(
  meta: BenchMeta,
  m: MemoryResult,
  rows: ResultRow[],
): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  return `# Memory soak

Generated by \`npm run bench -- --memory-soak\` (\`tools/bench\`) on ${meta.date} — ${meta.durationSeconds} s.
Machine: ${meta.cores} cores (${meta.cpu}), Node ${meta.node}; load average (1/5/15 min) ${load(meta.loadAverageBefore)}
before and ${load(meta.loadAverageAfter)} after.

The full benchmark run (\`docs/benchmarks.md\`) stops scenario 5 at its time box; this run takes
the ${fmt(m.targetUsers)} distinct users of DESIGN.md §5 through the API's bundle without one.
Each user's token is minted by the emulator, then one \`GET /api/subscriptions\` (OBO, L1 and ARM)
with 16 in flight; VmRSS of the API process sampled every 250 ms; L1 entries/bytes and the V8
heap from the API's own \`/metrics\`. The API was started with \`OBO_CACHE_MAX_ENTRIES=${m.l1MaxEntries}\`
and \`OBO_CACHE_MAX_BYTES=${m.l1MaxBytes}\`; bound = RSS before + ${mib(m.l1MaxBytes)} + ${mib(RSS_SLACK_BYTES)} slack.

${markdownTable(rows)}

RSS (MiB) by users: ${m.rssSeries.map(([u, v]) => `${fmt(u)}: ${v}`).join(', ')}.

**What the run shows.** ${rssShape(m)} ${memoryCpuShare(m, meta.cores)} To cap RSS in a container, set
\`NODE_OPTIONS=--max-old-space-size=…\` (V8 then collects earlier).
`;
}
