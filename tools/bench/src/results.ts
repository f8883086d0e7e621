import type { BenchMeta, ResultRow } from './report';
import { markdownTable } from './report';
import type {
  BurstResult,
  ColdResult,
  MemoryResult,
  SteadyResult,
  WarmResult,
} from './scenarios/chain';
import type { LoadResult } from './scenarios/autocannon';
import type { SignInResult } from './scenarios/signin';
import type { ValidationResult } from './scenarios/validation';
import { fmt, pct, ratio } from './stats';

export interface BenchResults {
  meta: BenchMeta;
  validation: ValidationResult;
  warm: WarmResult[];
  steady: SteadyResult;
  burst: BurstResult;
  cold: ColdResult;
  issuance: LoadResult;
  memory: MemoryResult;
  signIn: SignInResult;
}

const MiB = 1024 * 1024;
/** The API's default L1 bound (OBO_CACHE_MAX_BYTES), which the RSS bound is derived from. */
export const L1_MAX_BYTES = 64 * MiB;
/** Slack over baseline + L1 for V8 heap growth, GC headroom and socket buffers. */
export const RSS_SLACK_BYTES = 64 * MiB;

export function rssBound(m: MemoryResult): number {
  return m.rssBeforeBytes + L1_MAX_BYTES + RSS_SLACK_BYTES;
}

const ms = (v: number) => `${fmt(v, 1)} ms`;
const rps = (v: number) => `${fmt(v)} req/s`;

export function buildRows(r: BenchResults): ResultRow[] {
  const rows: ResultRow[] = [];
  const raw = r.validation.cases[0];
  for (const c of r.validation.cases.slice(1)) {
    const ours = c.name.startsWith('ours');
    const rt = ratio(c.opsPerSecond, raw.opsPerSecond);
    rows.push({
      scenario: '1 validation',
      metric: c.name,
      value: `${fmt(c.opsPerSecond)} ops/s (${fmt(c.nsPerOp / 1000, 1)} µs)`,
      baseline: `raw verify ${fmt(raw.opsPerSecond)} ops/s (${fmt(raw.nsPerOp / 1000, 1)} µs)`,
      ratio: rt,
      ...(ours ? { targetRatio: 0.75, target: '≥ 75 % of raw rate', met: rt >= 0.75 } : {}),
    });
  }
  for (const w of r.warm) {
    const [api, ex, plain] = w.targets;
    const scenario = `2 warm path (${w.user}, ${w.pages} page${w.pages > 1 ? 's' : ''})`;
    const toEx = ratio(api.requestsPerSecond, ex.requestsPerSecond);
    const toPlain = ratio(api.requestsPerSecond, plain.requestsPerSecond);
    rows.push(
      {
        scenario,
        metric: `API vs Express proxy (${w.user})`,
        value: rps(api.requestsPerSecond),
        baseline: rps(ex.requestsPerSecond),
        ratio: toEx,
        targetRatio: 0.85,
        target: '≥ 85 %',
        met: toEx >= 0.85,
      },
      {
        scenario,
        metric: `API vs node:http proxy (${w.user})`,
        value: rps(api.requestsPerSecond),
        baseline: rps(plain.requestsPerSecond),
        ratio: toPlain,
        targetRatio: 0.8,
        target: '≥ 80 %',
        met: toPlain >= 0.8,
      },
      {
        scenario,
        metric: 'Express proxy vs node:http proxy',
        value: rps(ex.requestsPerSecond),
        baseline: rps(plain.requestsPerSecond),
        ratio: ratio(ex.requestsPerSecond, plain.requestsPerSecond),
      },
    );
    for (const t of w.targets) {
      rows.push({
        scenario,
        metric: `${t.name} latency p50 / p99`,
        value: `${ms(t.p50)} / ${ms(t.p99)}`,
        baseline: t === api ? `Express ${ms(ex.p50)} / ${ms(ex.p99)}` : '—',
      });
    }
  }
  const { cold, issuance } = r;
  rows.push(
    {
      scenario: '3 cold OBO',
      metric: `${fmt(cold.users)} distinct users, first call (${cold.concurrency} in flight)`,
      value: `${fmt(cold.usersPerSecond)} users/s`,
      baseline: `emulator OBO issuance ${fmt(issuance.requestsPerSecond)} tokens/s`,
      ratio: ratio(cold.usersPerSecond, issuance.requestsPerSecond),
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
      scenario: '4 burst',
      metric: `${r.burst.concurrent} concurrent first calls, one token`,
      value: `${r.burst.oboCalls} token-endpoint call(s)`,
      baseline: '1',
      target: 'exactly 1',
      met: r.burst.oboCalls === 1,
    },
    {
      scenario: '4 burst',
      metric: 'burst latency p50 / p99',
      value: `${ms(r.burst.latency.p50)} / ${ms(r.burst.latency.p99)}`,
      baseline: '—',
    },
  );
  rows.push(...memoryRows(r.memory));
  const s = r.steady;
  const per10k = (n: number) => (n * 10_000) / s.requests;
  rows.push(
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
      metric: `web sign-in round trip (${r.signIn.signIns} sign-ins)`,
      value: `p50 ${ms(r.signIn.latency.p50)} / p99 ${ms(r.signIn.latency.p99)}`,
      baseline: '—',
    },
  );
  return rows;
}

/** The memory scenario's rows (also the memory soak's, `--memory-soak`). */
export function memoryRows(m: MemoryResult): ResultRow[] {
  const bound = rssBound(m);
  return [
    {
      scenario: '5 memory',
      metric: `distinct users through the API (target ${fmt(m.targetUsers)})`,
      value: `${fmt(m.users)} in ${fmt(m.seconds, 1)} s (${fmt(m.usersPerSecond)} users/s)`,
      baseline: `${fmt(m.targetUsers)} users`,
      ...(m.timeLimited ? { target: `${fmt(m.targetUsers)} users`, met: false } : {}),
    },
    {
      scenario: '5 memory',
      metric: 'API RSS before → after (peak)',
      value: `${fmt(m.rssBeforeBytes / MiB)} → ${fmt(m.rssAfterBytes / MiB)} MiB (peak ${fmt(m.rssPeakBytes / MiB)})`,
      baseline: `bound ${fmt(bound / MiB)} MiB`,
      target: 'peak ≤ bound',
      met: m.rssPeakBytes <= bound,
    },
    {
      scenario: '5 memory',
      metric: 'L1 entries / bytes at the end (the API’s obo_cache_* gauges)',
      value: `${fmt(m.l1Entries)} / ${fmt(m.l1Bytes / MiB, 1)} MiB`,
      baseline: 'bound 10,000 entries / 64 MiB',
      target: '≤ bound',
      met: m.l1Entries <= 10_000 && m.l1Bytes <= L1_MAX_BYTES,
    },
    {
      scenario: '5 memory',
      metric: 'API V8 heap used at the end (nodejs_heap_size_used_bytes)',
      value: `${fmt(m.heapUsedBytes / MiB)} MiB`,
      baseline: `RSS ${fmt(m.rssAfterBytes / MiB)} MiB`,
    },
  ];
}

/** Where RSS went: before and after the L1 filled up (10,000 entries, cold users included). */
function memoryShape(r: BenchResults): string {
  const series = r.memory.rssSeries;
  const fillAt = Math.max(0, 10_000 - r.cold.users - 3);
  const atFill = series.filter(([users]) => users <= fillAt).pop();
  const last = series[series.length - 1];
  if (!atFill || !last || last[0] <= fillAt) {
    return 'The run ended before the L1 was full, so this is growth towards the L1 bound.';
  }
  const before = last[1] - (series[0]?.[1] ?? last[1]);
  const after = last[1] - atFill[1];
  return (
    `RSS grew ${fmt(before)} MiB in all; ${fmt(atFill[1] - (series[0]?.[1] ?? 0))} MiB of it by ` +
    `${fmt(atFill[0])} users (the L1 reaching its 10,000-entry bound) and ${fmt(after)} MiB over the ` +
    `${fmt(last[0] - atFill[0])} users after it, while the L1 only evicts. Growth after the cache is ` +
    `full is V8 heap headroom, not cache: at the end the L1 held ${fmt(r.memory.l1Entries)} entries ` +
    `(${fmt(r.memory.l1Bytes / 1024 / 1024, 1)} MiB) and the V8 heap in use was ` +
    `${fmt(r.memory.heapUsedBytes / 1024 / 1024)} MiB of the ${fmt(r.memory.rssAfterBytes / 1024 / 1024)} MiB RSS; ` +
    'V8 grows its heap lazily under a high allocation rate (a fresh MSAL client per exchange, TLS ' +
    'buffers, axios objects) and the 64 MiB slack under-estimates that; whether RSS levels off needs ' +
    "a longer run than the time box allows (series below). It is not MSAL's unbounded cache: " +
    '`OboClient` builds a fresh MSAL client per exchange.'
  );
}

function gaps(r: BenchResults, rows: ResultRow[]): string[] {
  const out: string[] = [];
  const missed = rows.filter((row) => row.met === false);
  let warmExplained = false;
  for (const row of missed) {
    if (row.scenario.startsWith('2 warm') && warmExplained) {
      out.push(`- **${row.metric}: ${pct(row.ratio ?? NaN)}** (target ${row.target}): same cause.`);
    } else if (row.scenario.startsWith('2 warm')) {
      warmExplained = true;
      out.push(
        `- **${row.metric}: ${pct(row.ratio ?? NaN)}** (target ${row.target}). Every process here is ` +
          'CPU-bound (2 cores shared by the emulator serving ARM, the server measured and autocannon), ' +
          'so throughput is 1 ÷ CPU per request. Both baselines do no authentication; the Express one ' +
          'calls ARM through axios configured like the API’s ArmClient, so API ÷ Express is what ' +
          'validation, passport, the OBO cache lookup and the API’s middleware cost. A CPU profile of ' +
          'the API bundle on this machine (`node --cpu-prof`, 8 s of warm `GET /api/subscriptions`, ' +
          '10 connections, ~640 req/s, 1.6 ms CPU per request with the profiler on) attributes per ' +
          'request: ~475 µs to axios (header normalisation, config merging, stream plumbing — paid by ' +
          'the Express baseline too, and the main reason it reaches only about half the node:http ' +
          'proxy), ~450 µs to Node’s HTTP/TLS internals (both), ~300 µs to Express routing (both; the ' +
          'API has more middleware), ~165 µs to authentication (the RS256 verify ~65 µs, passport ' +
          '~30 µs, decoding and claim checks ~35 µs), ~45 µs to the OBO L1 lookup (SHA-256 of the ' +
          'assertion), ~45 µs to route code, ~15 µs each to metrics and to helmet + cors, ~10 µs to ' +
          'the log line, ~70 µs to GC. Trimmed already: helmet reduced to the headers a JSON API ' +
          'needs (fewer bytes on every response), the request log written without a per-request ' +
          'child logger. What is left is the work the API exists to do; removing more would mean ' +
          'dropping passport or axios, which the project chose on purpose. Against the node:http ' +
          'floor the gap is mostly axios. The ratio also moves with machine load (see the load ' +
          'average above).',
      );
    } else if (row.scenario.startsWith('1 validation')) {
      const raw = r.validation.cases[0];
      const ours = r.validation.cases.find((c) => c.name === row.metric);
      const extra = ours ? (ours.nsPerOp - raw.nsPerOp) / 1000 : NaN;
      const jwt = r.validation.cases.find((c) => c.name === 'jsonwebtoken.verify (KeyObject)');
      out.push(
        `- **${row.metric}: ${pct(row.ratio ?? NaN)} of raw's rate** (target ${row.target}): ` +
          `${fmt(extra, 1)} µs per token on top of the ${fmt(raw.nsPerOp / 1000, 1)} µs signature ` +
          'check, spent decoding the token (base64url + JSON.parse of header and ~1 KB payload), ' +
          'the header/tenant/issuer/audience/time checks and building the ValidatedToken. The ' +
          `raw verify here costs more than the ~19 µs of DESIGN.md §4 (machine under load), and ` +
          'the fixed JavaScript part slows down with it, so the ratio is near the line in both ' +
          `directions between runs. For scale: jsonwebtoken with the same KeyObject reaches ` +
          `${pct(jwt ? jwt.opsPerSecond / raw.opsPerSecond : NaN)}, so ours remains the cheapest full ` +
          'validation measured.',
      );
    } else if (row.scenario.startsWith('5 memory') && row.metric.startsWith('distinct')) {
      out.push(
        `- **Memory: ${fmt(r.memory.users)} of ${fmt(r.memory.targetUsers)} users** in the time box ` +
          `(${fmt(r.memory.usersPerSecond)} users/s). Each user costs two RS256 signatures at the ` +
          'emulator (minting the user token through the control plane and issuing the OBO token), ' +
          'so the emulator — one Node process on the same 2 cores — bounds the rate; ' +
          `${fmt(r.memory.targetUsers)} users would take about ${fmt(r.memory.targetUsers / r.memory.usersPerSecond / 60, 1)} min. ` +
          'Past 10,000 users the L1 is full and only evicts, so later users should cost no more ' +
          'cache memory (what RSS actually did is below).',
      );
    } else if (row.scenario.startsWith('5 memory')) {
      out.push(`- **API RSS: ${row.value}, over the ${row.baseline}.** ${memoryShape(r)}`);
    } else {
      out.push(`- **${row.scenario} — ${row.metric}:** ${row.value} (target ${row.target}).`);
    }
  }
  return out.length ? out : ['- None: every target is met in this run.'];
}

export function renderMarkdown(r: BenchResults, rows: ResultRow[]): string {
  const m = r.meta;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  return `# Benchmarks

Generated by \`npm run bench\` (\`tools/bench\`) on ${m.date} — ${m.mode} run, ${m.durationSeconds} s.
Machine: ${m.cores} cores (${m.cpu}), Node ${m.node}; load average (1/5/15 min) ${load(m.loadAverageBefore)}
before and ${load(m.loadAverageAfter)} after (other work was running on the machine). Figures are
ratios measured in one run; absolute numbers move with the load, the ratios less so. No
threshold is asserted: the bench fails only when a scenario errors (e.g. a non-2xx answer).

![ratios to baseline](benchmarks.svg)

${markdownTable(rows)}

## Targets missed: gaps and causes

${gaps(r, rows).join('\n')}

## How each figure is measured

1. **Validation** — \`createTokenValidator\` with a warm key cache (\`validate()\` and
   \`validateSync()\`) on a ~${r.validation.tokenBytes}-byte Entra v2 token vs one raw RS256
   \`crypto.verify\` with a KeyObject, and \`jsonwebtoken.verify\` with a KeyObject and with a PEM
   string; same process, ${r.validation.rounds} interleaved rounds of ${fmt(r.validation.iterations)}
   calls, median round per case.
2. **Warm path** — \`GET /api/subscriptions\` with a cached OBO token against the API's esbuild
   bundle vs two bare proxies written in the bench that forward to the same ARM emulator with a
   pre-obtained ARM token and follow \`nextLink\`, with the same keep-alive https agent settings
   as the API's ArmClient (keepAlive, maxSockets 256, emulator CA): Express calling ARM through
   axios with the ArmClient's options (so the ratio isolates what auth, OBO and caching cost,
   DESIGN.md §5), and plain \`node:http\` calling ARM through \`node:https\` (the floor). autocannon, ${r.warm[0]?.connections} connections, ${r.warm[0]?.duration} s per run, runs
   interleaved A, B, C × ${r.warm[0]?.rounds}, medians. Every server is its own child process
   (emulator, API, each proxy), so autocannon in the bench process does not share an event loop
   with what it measures; on 2 cores they still share CPU.
   Rounds (req/s): ${r.warm.map((w) => w.targets.map((t) => `${w.user} ${t.name}: ${t.runs.join(', ')}`).join('; ')).join('; ')}.
3. **Cold OBO** — ${fmt(r.cold.users)} distinct seeded users (tokens minted through the emulator's
   control plane), each one's first call, ${r.cold.concurrency} in flight; the baseline is the
   emulator's own OBO issuance rate (autocannon on its token endpoint, 10 connections).
4. **Burst** — ${r.burst.concurrent} concurrent first calls carrying one new user token; the
   emulator's token-endpoint counter before/after.
5. **Memory** — distinct users (token minted, then first call) through the API, 16 in flight,
   time-boxed; RSS of the API process from \`/proc/<pid>/status\` (VmRSS), sampled every 250 ms
   for the peak. Bound = RSS before + L1 max bytes (64 MiB, \`OBO_CACHE_MAX_BYTES\`) + 64 MiB slack
   (V8 heap growth, GC headroom, sockets) = ${fmt(rssBound(r.memory) / MiB)} MiB. The L1 holds at
   most 10,000 entries (\`OBO_CACHE_MAX_ENTRIES\`); its entries and bytes, and the V8 heap, are read
   from the API's own \`/metrics\` (\`obo_cache_entries\`, \`obo_cache_bytes\`,
   \`nodejs_heap_size_used_bytes\`) at the end. All 100,000 users, without a time box:
   \`npm run bench -- --memory-soak\` → [benchmarks-memory.md](benchmarks-memory.md). RSS (MiB) by users:
   ${r.memory.rssSeries.map(([u, mib]) => `${fmt(u)}: ${mib}`).join(', ')}.
6. **Steady state** — ${fmt(r.steady.requests)} warm requests; the emulator's JWKS and token
   counters before/after (ARM calls in the same window: ${fmt(r.steady.armCalls)}).
7. **Sign-in** — the web bundle's \`/login\` → the emulator's authorize page → login form post →
   callback (\`/auth/redirect\`, code redemption by MSAL) with a cookie jar, sequentially; the
   emulator seed's web redirect URI points at the bench's web port.
`;
}

/**
 * Whether RSS levels off once the L1 is full: the highest RSS over the second half of the users
 * against the highest over the first half (GC makes RSS a sawtooth; a leak makes new highs).
 * Undefined when the run is too short to tell (under 2 × the L1's 10,000 entries).
 */
export function plateauRow(m: MemoryResult): ResultRow | undefined {
  const series = m.rssSeries;
  const last = series[series.length - 1];
  if (!last || last[0] < 20_000) return undefined;
  const mid = last[0] / 2;
  const peak = (points: [number, number][]) => Math.max(...points.map(([, mib]) => mib));
  const second = series.filter(([users]) => users > mid);
  const firstPeak = peak(series.filter(([users]) => users <= mid));
  const secondPeak = peak(second);
  const low = Math.min(...second.map(([, mib]) => mib));
  return {
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
the ${fmt(m.targetUsers)} distinct users of DESIGN.md §5 through the API's bundle without one
(the emulator's RS256 signing bounds the rate). Same method: each user's token is minted by the
emulator, then one \`GET /api/subscriptions\` (OBO, L1 and ARM) with 16 in flight; VmRSS of the API
process sampled every 250 ms; L1 entries/bytes and the V8 heap from the API's own \`/metrics\`.
Bound = RSS before + L1 max bytes (64 MiB) + 64 MiB slack.

${markdownTable(rows)}

RSS (MiB) by users: ${m.rssSeries.map(([u, mib]) => `${fmt(u)}: ${mib}`).join(', ')}.

**Reading it.** The L1 fills at 10,000 users (${fmt(m.l1Entries)} entries, ${fmt(m.l1Bytes / 1024 / 1024, 1)} MiB at the
end, well under its 64 MiB byte bound) and only evicts afterwards. RSS does not follow the
user count: it rises while V8 sizes its heap for the allocation rate (a fresh MSAL client per
exchange, TLS and HTTP buffers) and then moves as a garbage-collection sawtooth under a
ceiling it reached long before the last user — the row "RSS peak, users …" above. The a-priori bound (RSS of the idle process + 64 MiB of L1 + 64 MiB of slack) is too
tight for that headroom on a process measured before its first request: the peak RSS is
${fmt(m.rssPeakBytes / 1024 / 1024 - m.heapUsedBytes / 1024 / 1024)} MiB above the ${fmt(m.heapUsedBytes / 1024 / 1024)} MiB of heap in use at the end (code, buffers and V8's free heap
space). To cap it in a container, set \`NODE_OPTIONS=--max-old-space-size=…\` (V8 then
collects earlier).
`;
}
