/**
 * `npm run bench [-- --quick]`: the OBO chain's benchmarks (DESIGN.md §5). Prints a table of
 * every figure with its baseline, writes docs/benchmarks.{md,svg,json} (quick mode:
 * test-artifacts/bench/). Never fails on a slow number; fails when a scenario errors.
 * `-- --memory-soak`: scenario 5 alone with all 100,000 users and no time box
 * (docs/benchmarks-memory.{md,json}; about 15 minutes here).
 */
import { cpus, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './processes';
import { consoleTable, type BenchMeta } from './report';
import {
  buildRows,
  memoryRows,
  plateauRow,
  renderMarkdown,
  renderMemorySoakMarkdown,
  type BenchResults,
} from './results';
import {
  ALICE,
  BOB,
  startApiChild,
  startEmulatorChild,
  startProxyChild,
  snapshotBundles,
  startWebChild,
  WORKSPACE,
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
  warmPath,
} from './scenarios/chain';
import { signIns } from './scenarios/signin';
import { validationBench } from './scenarios/validation';

const quick = process.argv.includes('--quick');

const PLAN = quick
  ? {
      validation: { iterations: 2000, rounds: 5 },
      warm: { connections: 10, duration: 1.5, rounds: 2, bob: false },
      coldUsers: 100,
      issuanceSeconds: 1.5,
      burst: 200,
      steadyRequests: 2000,
      memory: { users: 2000, maxSeconds: 20 },
      signIns: 5,
    }
  : {
      validation: { iterations: 5000, rounds: 9 },
      warm: { connections: 10, duration: 5, rounds: 3, bob: true },
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

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg();
  log(
    `${quick ? 'quick' : 'full'} run; node ${process.version}, ${cpus().length} cores, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  await snapshotBundles();
  log('1/7 validation cost');
  const validation = await validationBench(PLAN.validation.iterations, PLAN.validation.rounds);

  const webPort = await freePort();
  // Bench user 0: burst; 1..coldUsers: cold OBO; the rest: memory.
  const seedUsers = 1 + PLAN.coldUsers + PLAN.memory.users;
  log(`starting the emulator (seed + ${seedUsers} bench users), the API, the proxies, the web app`);
  const emu = await startEmulatorChild(webPort, seedUsers);
  const servers: Server[] = [];
  try {
    const api = await startApiChild(emu);
    servers.push(api);
    const alice = await emu.userToken(ALICE.oid, ALICE.upn);
    const bob = await emu.userToken(BOB.oid, BOB.upn);
    const tokenMap = {
      [alice]: await emu.armTokenFor(alice),
      [bob]: await emu.armTokenFor(bob),
    };
    const express = await startProxyChild('express', emu, tokenMap);
    servers.push(express);
    const plain = await startProxyChild('http', emu, tokenMap);
    servers.push(plain);
    const targets = [
      { name: 'API (validate + cached OBO + ARM)', url: api.url },
      { name: 'bare Express proxy (axios to ARM)', url: express.url },
      { name: 'node:http proxy', url: plain.url },
    ];

    log('2/7 API warm path (alice, 1 page)');
    const warm = [await warmPath(targets, alice, 'alice', 1, PLAN.warm)];
    if (PLAN.warm.bob) {
      log('2/7 API warm path (bob, 3 pages)');
      warm.push(await warmPath(targets, bob, 'bob', 3, PLAN.warm));
    }
    // The proxies are done: give their cores back.
    await Promise.all([express.child.stop(), plain.child.stop()]);

    log('6/7 steady state (warm requests vs emulator counters)');
    const steady = await steadyState(emu, api, alice, PLAN.steadyRequests);

    log('4/7 burst of concurrent first calls with one new token');
    const [burstToken] = await mintUsers(emu, 0, 1);
    const burstResult = await burst(emu, api, burstToken, PLAN.burst);

    log(`3/7 cold OBO (${PLAN.coldUsers} distinct users) and the emulator's issuance rate`);
    const coldTokens = await mintUsers(emu, 1, PLAN.coldUsers);
    const cold = await coldObo(emu, api, coldTokens, 10);
    const issuance = await tokenEndpointRate(emu, alice, 10, PLAN.issuanceSeconds);

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

    const meta: BenchMeta = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      node: process.version,
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    const results: BenchResults = {
      meta,
      validation,
      warm,
      steady,
      burst: burstResult,
      cold,
      issuance,
      memory: mem,
      signIn,
    };
    writeOutputs(results);
  } finally {
    for (const server of servers.reverse()) await server.child.stop();
    await emu.child.stop();
  }
}

const outDir = quick ? join(WORKSPACE, 'test-artifacts/bench') : join(WORKSPACE, 'docs');

/** Prints the table and writes benchmarks.{svg,json,md}. */
function writeOutputs(results: BenchResults): void {
  const { meta } = results;
  const rows = buildRows(results);
  console.log(`\n${consoleTable(rows)}\n`);
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
      const meta: BenchMeta = {
        date: new Date().toISOString(),
        mode: 'full',
        node: process.version,
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
        durationSeconds: Math.round((Date.now() - started) / 1000),
      };
      const plateau = plateauRow(mem);
      const rows = [...memoryRows(mem), ...(plateau ? [plateau] : [])];
      console.log(`\n${consoleTable(rows)}\n`);
      const dir = join(WORKSPACE, 'docs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'benchmarks-memory.json'),
        `${JSON.stringify({ meta, memory: mem, rows }, null, 2)}\n`,
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
function renderMemorySoak(): void {
  const file = join(WORKSPACE, 'docs', 'benchmarks-memory.json');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { meta: BenchMeta; memory: MemoryResult };
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
  const saved = JSON.parse(readFileSync(join(outDir, 'benchmarks.json'), 'utf8')) as BenchResults;
  writeOutputs(saved);
}

const soak = process.argv.includes('--memory-soak');
const rerender = process.argv.includes('--render');
(soak && rerender
  ? Promise.resolve(renderMemorySoak())
  : rerender
    ? render()
    : soak
      ? memorySoak()
      : main()
).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
