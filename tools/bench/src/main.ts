/**
 * `npm run bench [-- --quick]`: the OBO chain's benchmarks (DESIGN.md §5). Prints a table of
 * every figure with its baseline and target, and the causes of each miss from this run's
 * figures and profiles; writes docs/benchmarks.{md,svg,json} (quick mode: test-artifacts/bench/).
 * Never fails on a slow number; fails when a scenario errors.
 * `-- --warm-only`: scenario 2 (and its profiles) alone, printed, saved to test-artifacts/bench/.
 * `-- --profile`: take the profiles in `--quick` too (a full run takes them for missed targets).
 * `-- --memory-soak`: scenario 5 alone with all 100,000 users and no time box
 * (docs/benchmarks-memory.{md,json}; about 15 minutes here).
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './processes';
import { consoleTable, type BenchMeta, type ResultRow } from './report';
import {
  BENCH_VERSION,
  buildRows,
  renderMarkdown,
  savedResults,
  StaleResultsError,
  type BenchResults,
  type Profiles,
} from './results';
import { gaps, warmGaps } from './gaps';
import { memoryRows, plateauRow, renderMemorySoakMarkdown } from './memory-report';
import { warmRows } from './rows';
import { coldCpuMet, warmMissed } from './targets';
import {
  ALICE,
  apiBundle,
  BOB,
  startApiChild,
  startEmulatorChild,
  startProxyChild,
  snapshotBundles,
  startWebChild,
  WORKSPACE,
  type ApiServer,
  type Emulator,
  type Server,
} from './stack';
import { barChartSvg } from './svg';
import {
  burst,
  coldObo,
  memory,
  mintUsers,
  type MemoryResult,
  steadyState,
  tokenEndpointRate,
} from './scenarios/chain';
import { load } from './scenarios/autocannon';
import { warmPath, type WarmResult, type WarmTarget } from './scenarios/warm';
import { signIns } from './scenarios/signin';
import { validationBench } from './scenarios/validation';
import { takeProfile, type ProfileResult } from './profile/take';

const quick = process.argv.includes('--quick');
const warmOnly = process.argv.includes('--warm-only');
/** Profiles are taken for missed targets in a full run; in `--quick` only with `--profile`. */
const profiling = !quick || process.argv.includes('--profile');

const PLAN = quick
  ? {
      validation: { iterations: 2000, rounds: 5 },
      warm: { connections: 10, duration: 1.5, rounds: 2, bob: false },
      profile: { duration: 2, coldWarmUp: 20 },
      coldUsers: 100,
      issuanceSeconds: 1.5,
      burst: 200,
      steadyRequests: 1000,
      memory: { users: 1000, maxSeconds: 10 },
      signIns: 5,
    }
  : {
      validation: { iterations: 5000, rounds: 9 },
      warm: { connections: 10, duration: 5, rounds: 3, bob: true },
      profile: { duration: 5, coldWarmUp: 100 },
      coldUsers: 1000,
      issuanceSeconds: 5,
      burst: 200,
      steadyRequests: 10_000,
      memory: { users: 100_000, maxSeconds: 300 },
      signIns: 30,
    };

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function metaOf(started: number, loadBefore: number[], mode: BenchMeta['mode']): BenchMeta {
  return {
    date: new Date().toISOString(),
    mode,
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

interface Users {
  alice: string;
  bob: string;
  /** User token → the ARM token the proxies send for it. */
  tokenMap: Record<string, string>;
}

async function usersOf(emu: Emulator): Promise<Users> {
  const alice = await emu.userToken(ALICE.oid, ALICE.upn);
  const bob = await emu.userToken(BOB.oid, BOB.upn);
  return {
    alice,
    bob,
    tokenMap: { [alice]: await emu.armTokenFor(alice), [bob]: await emu.armTokenFor(bob) },
  };
}

/** Scenario 2 against the API and the three proxies; the profiles when a target is missed. */
async function warmSection(
  emu: Emulator,
  api: ApiServer,
  users: Users,
): Promise<{ warm: WarmResult[]; profiles: Pick<Profiles, 'warm'> & { skipped?: string } }> {
  const proxies: Server[] = [];
  const warm: WarmResult[] = [];
  try {
    const gate = await startProxyChild('express-https', emu, users.tokenMap);
    proxies.push(gate);
    const floor = await startProxyChild('http', emu, users.tokenMap);
    proxies.push(floor);
    const diagnostic = await startProxyChild('express-axios', emu, users.tokenMap);
    proxies.push(diagnostic);
    const target = (role: WarmTarget['role'], name: string, s: Server): WarmTarget => ({
      role,
      name,
      url: s.url,
      pid: s.child.pid,
    });
    const targets = [
      target('api', 'API (validate + cached OBO + ARM)', api),
      target('gate', 'Express + node:https proxy (gate)', gate),
      target('floor', 'node:http proxy (floor)', floor),
      target('diagnostic', 'Express + axios proxy (diagnostic)', diagnostic),
    ];
    log('2/7 warm path (alice, 1 page): API, gate, floor, diagnostic');
    warm.push(await warmPath(targets, users.alice, 'alice', 1, PLAN.warm));
    if (PLAN.warm.bob) {
      log('2/7 warm path (bob, 3 pages)');
      warm.push(await warmPath(targets, users.bob, 'bob', 3, PLAN.warm));
    }
  } finally {
    // The proxies are done: give their cores back.
    await Promise.all(proxies.map((p) => p.child.stop()));
  }
  if (!warmMissed(warm)) return { warm, profiles: { skipped: 'every warm-path target met' } };
  if (!profiling) return { warm, profiles: { skipped: '--quick without --profile' } };
  log('2/7 a warm-path target is missed: profiling the API and the floor (alice)');
  return { warm, profiles: { warm: await warmProfiles(emu, users) } };
}

/** The API and the node:http proxy, each a fresh child under --cpu-prof, same warm load. */
async function warmProfiles(
  emu: Emulator,
  users: Users,
): Promise<{ api: ProfileResult; floor: ProfileResult }> {
  const { connections } = PLAN.warm;
  const { duration } = PLAN.profile;
  const headers = { authorization: `Bearer ${users.alice}` };
  const common = {
    what: `${duration} s of warm GET /api/subscriptions as alice, ${connections} connections`,
    unit: 'request',
    warm: async (s: Server) => {
      await load({ url: `${s.url}/api/subscriptions`, connections, amount: 1000, headers });
    },
    measure: async (s: Server) =>
      (await load({ url: `${s.url}/api/subscriptions`, connections, duration, headers })).total,
  };
  const api = await takeProfile({
    ...common,
    label: 'API',
    ownApp: 'apps/api',
    bundle: apiBundle(),
    start: (nodeArgs) => startApiChild(emu, { nodeArgs }),
  });
  const floor = await takeProfile({
    ...common,
    label: 'node:http proxy',
    ownApp: 'tools/bench',
    start: (nodeArgs) => startProxyChild('http', emu, users.tokenMap, { nodeArgs }),
  });
  return { api, floor };
}

/** The API over cold users in a fresh child under --cpu-prof (its L1 is empty). */
function coldProfile(emu: Emulator, tokens: string[]): Promise<ProfileResult> {
  const warmUp = Math.min(PLAN.profile.coldWarmUp, Math.floor(tokens.length / 5));
  return takeProfile({
    label: 'API',
    what: `first calls of ${tokens.length - warmUp} users it has not seen, 10 in flight, after ${warmUp} to warm up`,
    unit: 'cold user',
    ownApp: 'apps/api',
    bundle: apiBundle(),
    start: (nodeArgs) => startApiChild(emu, { nodeArgs }),
    warm: async (s) => {
      await coldObo(emu, s, tokens.slice(0, warmUp), 10);
    },
    measure: async (s) => (await coldObo(emu, s, tokens.slice(warmUp), 10)).users,
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  log(
    `${warmOnly ? 'warm-path' : quick ? 'quick' : 'full'} run; node ${process.version}, ${cpus().length} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  await snapshotBundles();
  const validation = warmOnly
    ? undefined
    : (log('1/7 validation cost'),
      await validationBench(PLAN.validation.iterations, PLAN.validation.rounds));

  const webPort = await freePort();
  // Bench user 0: burst; 1..coldUsers: cold OBO; the rest: memory.
  const seedUsers = warmOnly ? 0 : 1 + PLAN.coldUsers + PLAN.memory.users;
  log(`starting the emulator (seed + ${seedUsers} bench users) and the API`);
  const emu = await startEmulatorChild(webPort, seedUsers);
  const servers: Server[] = [];
  try {
    const api = await startApiChild(emu);
    servers.push(api);
    const users = await usersOf(emu);
    const { warm, profiles: warmProfiled } = await warmSection(emu, api, users);
    const profiles: Profiles = {
      ...(warmProfiled.warm ? { warm: warmProfiled.warm } : {}),
      skipped: warmProfiled.skipped ? { warm: warmProfiled.skipped } : {},
    };
    if (!validation) {
      writeWarmOnly(warm, profiles, metaOf(started, loadBefore, quick ? 'quick' : 'full'));
      return;
    }

    log('6/7 steady state (warm requests vs emulator counters)');
    const steady = await steadyState(emu, api, users.alice, PLAN.steadyRequests);

    log('4/7 burst of concurrent first calls with one new token');
    const [burstToken] = await mintUsers(emu, 0, 1);
    const burstResult = await burst(emu, api, burstToken, PLAN.burst);

    log(`3/7 cold OBO (${PLAN.coldUsers} distinct users) and the emulator's issuance rate`);
    const coldTokens = await mintUsers(emu, 1, PLAN.coldUsers);
    const cold = await coldObo(emu, api, coldTokens, 10);
    const issuance = await tokenEndpointRate(emu, users.alice, 10, PLAN.issuanceSeconds);
    if (coldCpuMet(cold) !== false) profiles.skipped.cold = 'the cold-path CPU target is met';
    else if (!profiling) profiles.skipped.cold = '--quick without --profile';
    else {
      log('3/7 the cold-path CPU target is missed: profiling the API over cold users');
      profiles.cold = await coldProfile(emu, coldTokens);
    }

    log(`5/7 memory (${PLAN.memory.users} distinct users, at most ${PLAN.memory.maxSeconds} s)`);
    const mem = await memory(
      emu,
      api,
      1 + PLAN.coldUsers,
      PLAN.memory.users,
      PLAN.memory.maxSeconds,
      16,
    );

    log(`7/7 web sign-in round trip (${PLAN.signIns} sign-ins)`);
    const web = await startWebChild(emu, webPort, api.url);
    servers.push(web);
    const signIn = await signIns(emu, web, PLAN.signIns);

    writeOutputs({
      benchVersion: BENCH_VERSION,
      meta: metaOf(started, loadBefore, quick ? 'quick' : 'full'),
      validation,
      warm,
      steady,
      burst: burstResult,
      cold,
      issuance,
      memory: mem,
      signIn,
      profiles,
    });
  } finally {
    for (const server of servers.reverse()) await server.child.stop();
    await emu.child.stop();
  }
}

const outDir = quick ? join(WORKSPACE, 'test-artifacts/bench') : join(WORKSPACE, 'docs');

function printTable(rows: ResultRow[], causes: string[]): void {
  console.log(
    `\n${consoleTable(rows)}\n\nTargets missed: gaps and causes\n\n${causes.join('\n')}\n`,
  );
}

/** `--warm-only`: scenario 2's rows and causes, printed and saved aside (never over docs/). */
function writeWarmOnly(warm: WarmResult[], profiles: Profiles, meta: BenchMeta): void {
  const rows = warm.flatMap(warmRows);
  const causes = warmGaps(warm, rows, profiles);
  printTable(rows, causes.length ? causes : ['- None: every warm-path target is met in this run.']);
  const dir = join(WORKSPACE, 'test-artifacts/bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'warm-only.json'),
    `${JSON.stringify({ benchVersion: BENCH_VERSION, meta, warm, profiles, rows }, null, 2)}\n`,
  );
  log(`wrote ${dir}/warm-only.json (run took ${meta.durationSeconds} s)`);
}

/** Prints the table and the causes, and writes benchmarks.{svg,json,md}. */
function writeOutputs(results: BenchResults): void {
  const { meta } = results;
  const rows = buildRows(results);
  printTable(rows, gaps(results, rows));
  mkdirSync(outDir, { recursive: true });
  const bars = rows
    .filter((r) => r.ratio !== undefined && r.targetRatio !== undefined)
    .map((r) => ({
      label: `${r.metric}`,
      ratio: r.ratio ?? NaN,
      target: r.targetRatio,
      met: r.met,
    }));
  writeFileSync(
    join(outDir, 'benchmarks.svg'),
    barChartSvg(
      `OBO chain benchmarks — ratios to baseline (${meta.date.slice(0, 10)}, ${meta.mode})`,
      bars,
    ),
  );
  writeFileSync(
    join(outDir, 'benchmarks.json'),
    `${JSON.stringify({ ...results, rows }, null, 2)}\n`,
  );
  writeFileSync(join(outDir, 'benchmarks.md'), renderMarkdown(results, rows));
  log(`wrote ${outDir}/benchmarks.{md,svg,json} (run took ${meta.durationSeconds} s)`);
}

/** `--memory-soak`: 100,000 distinct users through the API, bounded only by a 40-minute guard. */
async function memorySoak(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  const users = 100_000;
  log(`memory soak; node ${process.version}, ${cpus().length} cores, ${users} users`);
  await snapshotBundles();
  const emu = await startEmulatorChild(await freePort(), users + 1);
  try {
    const api = await startApiChild(emu);
    try {
      const mem = await memory(emu, api, 1, users, 40 * 60, 16);
      const meta = metaOf(started, loadBefore, 'full');
      const plateau = plateauRow(mem);
      const rows = [...memoryRows(mem), ...(plateau ? [plateau] : [])];
      console.log(`\n${consoleTable(rows)}\n`);
      const dir = join(WORKSPACE, 'docs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'benchmarks-memory.json'),
        `${JSON.stringify({ benchVersion: BENCH_VERSION, meta, memory: mem, rows }, null, 2)}\n`,
      );
      writeFileSync(join(dir, 'benchmarks-memory.md'), renderMemorySoakMarkdown(meta, mem, rows));
      log(`wrote ${dir}/benchmarks-memory.{md,json}`);
    } finally {
      await api.child.stop();
    }
  } finally {
    await emu.child.stop();
  }
}

/** `--memory-soak --render`: rewrites docs/benchmarks-memory.md from its JSON. */
async function renderMemorySoak(): Promise<void> {
  const file = join(WORKSPACE, 'docs', 'benchmarks-memory.json');
  const saved = savedResults<{ benchVersion: number; meta: BenchMeta; memory: MemoryResult }>(
    readFileSync(file, 'utf8'),
    file,
  );
  const plateau = plateauRow(saved.memory);
  const rows = [...memoryRows(saved.memory), ...(plateau ? [plateau] : [])];
  console.log(`\n${consoleTable(rows)}\n`);
  writeFileSync(file, `${JSON.stringify({ ...saved, rows }, null, 2)}\n`);
  writeFileSync(
    join(WORKSPACE, 'docs', 'benchmarks-memory.md'),
    renderMemorySoakMarkdown(saved.meta, saved.memory, rows),
  );
}

/** `--render`: rewrites the table, Markdown and SVG from the last run's JSON, measuring nothing. */
async function render(): Promise<void> {
  const file = join(outDir, 'benchmarks.json');
  writeOutputs(savedResults<BenchResults>(readFileSync(file, 'utf8'), file));
}

const soak = process.argv.includes('--memory-soak');
const rerender = process.argv.includes('--render');
(soak && rerender ? renderMemorySoak() : rerender ? render() : soak ? memorySoak() : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof StaleResultsError ? error.message : error);
    process.exit(1);
  },
);
