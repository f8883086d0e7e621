import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portIsFree, staleSources, startNodeProcess } from './index';
import { uniquePorts } from './processes';

/** A fake bundle `dist/main.js` built at `builtAt` from two sources, as esbuild's map lists them. */
function fakeBundle(builtAt: Date) {
  const root = mkdtempSync(join(tmpdir(), 'obo-stale-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  const sources = [join(root, 'src', 'main.ts'), join(root, 'src', 'lib.ts')];
  for (const file of sources) writeFileSync(file, 'export {};\n');
  const script = join(root, 'dist', 'main.js');
  writeFileSync(script, '');
  writeFileSync(
    `${script}.map`,
    JSON.stringify({
      version: 3,
      sources: ['../src/main.ts', '../src/lib.ts', '../node_modules/pkg/index.js'],
    }),
  );
  const before = new Date(builtAt.getTime() - 60_000);
  for (const file of sources) utimesSync(file, before, before);
  utimesSync(script, builtAt, builtAt);
  return { root, script, sources };
}

describe('staleSources / startNodeProcess', () => {
  const built = new Date('2026-01-01T12:00:00Z');
  let bundle: ReturnType<typeof fakeBundle>;
  beforeEach(() => (bundle = fakeBundle(built)));
  afterEach(() => rmSync(bundle.root, { recursive: true, force: true }));

  it('finds nothing when every source is older than the bundle', () => {
    expect(staleSources(bundle.script)).toEqual([]);
  });

  it('names a source changed after the build, and refuses to start the bundle', () => {
    const later = new Date(built.getTime() + 1000);
    utimesSync(bundle.sources[1], later, later);
    expect(staleSources(bundle.script)).toEqual([bundle.sources[1]]);
    expect(() => startNodeProcess('api', bundle.script, {}, bundle.root)).toThrow(
      /is older than 1 of its sources \(.*lib\.ts\): rebuild it \(npx nx run @obo\/api:build\)/,
    );
  });

  it('counts a source that no longer exists as changed', () => {
    rmSync(bundle.sources[0]);
    expect(staleSources(bundle.script)).toEqual([bundle.sources[0]]);
  });

  it('refuses a bundle without a source map: nothing says what it was built from', () => {
    rmSync(`${bundle.script}.map`);
    expect(() => staleSources(bundle.script)).toThrow(/main\.js\.map is missing/);
  });
});

describe('freePort', () => {
  it('never answers a port it answered before, whatever the system offers again', async () => {
    const offered = [5001, 5001, 5002, 5001, 5003];
    const next = uniquePorts(async () => offered.shift() as number);
    expect([await next(), await next(), await next()]).toEqual([5001, 5002, 5003]);
  });

  it('gives free loopback ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(3);
    expect(await Promise.all(ports.map(portIsFree))).toEqual([true, true, true]);
  });
});
