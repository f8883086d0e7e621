import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { parseStartBanner, type StartBanner } from './test/banner';
import {
  ARTIFACTS,
  fillEmulatorLogin,
  launchChromium,
  newContext,
  screenshot,
} from './test/browser';
import { freePort, portIsFree, spawnNode, type NodeProcess } from '@obo/testing';
import { seedFileFor, seededSubscriptions, workspaceRoot } from './test/seed';

/**
 * The acceptance for `npm start`: from the built bundles, the runner prints a URL; a
 * scripted sign-in through it reaches the subscriptions page; Ctrl-C (SIGINT to the runner)
 * leaves no process behind. Free ports and a seed whose redirect URIs use the chosen web port,
 * so a developer's own `npm start` on 3000/4000/8443 is never disturbed.
 */
describe('npm start', () => {
  let runner: NodeProcess | undefined;
  let descendants: number[] = [];
  let browser: Browser | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'obo-e2e-start-'));
  let seedPath: string | undefined;

  afterAll(async () => {
    await browser?.close();
    if (runner) await runner.stop('SIGKILL', 0);
    for (const pid of descendants) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (seedPath) rmSync(dirname(seedPath), { recursive: true, force: true });
  });

  it('prints the URL, a sign-in through it reaches /subscriptions, and Ctrl-C stops everything', async () => {
    const ports = { emulator: await freePort(), api: await freePort(), web: await freePort() };
    const webOrigin = `http://localhost:${ports.web}`;
    const { PATH, HOME, LANG } = process.env;
    seedPath = seedFileFor(webOrigin, EMULATOR_DEFAULTS.web.clientId);
    runner = spawnNode(
      'npm start',
      ['-r', '@swc-node/register', 'tools/dev/src/start.ts', '--no-build'],
      {
        cwd: workspaceRoot,
        env: {
          PATH,
          HOME,
          LANG,
          EMULATOR_PORT: String(ports.emulator),
          API_PORT: String(ports.api),
          WEB_PORT: String(ports.web),
          EMULATOR_DATA_DIR: dataDir,
          EMULATOR_SEED: seedPath,
        },
      },
    );

    const banner = await waitForBanner(runner, 60_000);
    expect(banner.url).toBe(webOrigin);
    expect(banner.user).toBe(EMULATOR_DEFAULTS.devUser);
    writeFileSync(
      join(ARTIFACTS, 'npm-start.json'),
      JSON.stringify({ readySeconds: banner.readySeconds, build: false }, null, 2),
    );
    descendants = descendantsOf(runner.child.pid as number);
    expect(descendants.length).toBeGreaterThanOrEqual(3);

    browser = await launchChromium();
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${banner.url}/subscriptions`);
    await page.locator('input[name="login"]').waitFor();
    await fillEmulatorLogin(page, banner.user as string);
    await page.waitForURL(`${banner.url}/subscriptions`);
    const names = await page.locator('main table tbody th').allTextContents();
    expect(names.sort()).toEqual(
      seededSubscriptions(EMULATOR_DEFAULTS.devUser)
        .map((s) => s.displayName)
        .sort(),
    );
    await screenshot(page, 'npm-start-subscriptions');
    await context.close();

    // Ctrl-C: SIGINT to the runner only; it must stop its children itself.
    const exit = new Promise<number | null>((resolve) => runner?.child.once('exit', resolve));
    runner.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exit,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 15_000))),
    ]).finally(() => clearTimeout(timer));
    expect(code).toBe(0);
    expect(descendants.filter(alive)).toEqual([]);
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
  });
});

async function waitForBanner(runner: NodeProcess, timeoutMs: number): Promise<StartBanner> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const banner = parseStartBanner(runner.output());
    if (banner) return banner;
    if (runner.child.exitCode !== null)
      throw new Error(`npm start exited with ${runner.child.exitCode}:\n${runner.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start printed no banner in ${timeoutMs} ms:\n${runner.output()}`);
}

/** Every process below `pid` (children, grandchildren, …), from `ps`. */
function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
