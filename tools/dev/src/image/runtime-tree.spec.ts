import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  dependencyClosure,
  isRuntimeFile,
  packageRoot,
  runtimeImports,
  writeRuntimeTree,
  type Metafile,
} from './runtime-tree';

/** A workspace in a temp folder: `files` maps relative paths to contents (objects → JSON). */
function workspace(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'obo-runtime-tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(
      join(root, path),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return root;
}

const pkg = (name: string, extra: object = {}) => ({
  name,
  version: '1.0.0',
  license: 'MIT',
  ...extra,
});

const OUTPUT = 'apps/demo/dist/main.js';

function meta(imports: { path: string; external?: boolean }[], inputs: string[] = []): Metafile {
  return {
    inputs: Object.fromEntries(inputs.map((i) => [i, {}])),
    outputs: {
      [OUTPUT]: { imports: imports.map((i) => ({ kind: 'require-call', ...i })) },
    },
  };
}

describe('runtime tree of a bundle', () => {
  it('keeps only non-builtin external imports, by package name', () => {
    const m = meta([
      { path: 'node:fs', external: true },
      { path: 'crypto', external: true },
      { path: '@node-rs/xxhash', external: true },
      { path: 'native-thing/binding.js', external: true },
      { path: 'bundled-lib', external: false },
    ]);
    expect(runtimeImports(m, OUTPUT)).toEqual(['@node-rs/xxhash', 'native-thing']);
  });

  it('finds the package folder of a bundled file, nested installs included', () => {
    expect(packageRoot('node_modules/express/lib/router.js')).toBe('node_modules/express');
    expect(packageRoot('node_modules/type-is/node_modules/mime-db/db.json')).toBe(
      'node_modules/type-is/node_modules/mime-db',
    );
    expect(packageRoot('node_modules/@azure/msal-node/lib/index.cjs')).toBe(
      'node_modules/@azure/msal-node',
    );
    expect(packageRoot('libs/config/src/index.ts')).toBeUndefined();
  });

  it('adds dependencies and installed optional ones, resolved as Node does', () => {
    const root = workspace({
      'node_modules/a/package.json': pkg('a', {
        dependencies: { b: '1' },
        optionalDependencies: { 'a-linux': '1', 'a-darwin': '1' },
      }),
      'node_modules/a-linux/package.json': pkg('a-linux'),
      'node_modules/b/package.json': pkg('b', { dependencies: { c: '1' } }),
      'node_modules/b/node_modules/c/package.json': pkg('c'), // nested: b's own copy
      'node_modules/c/package.json': pkg('c', { version: '2.0.0' }),
    });
    expect(dependencyClosure(root, ['a']).map((p) => p.path)).toEqual([
      'node_modules/a',
      'node_modules/a-linux',
      'node_modules/b',
      'node_modules/b/node_modules/c',
    ]);
  });

  it('fails on a missing required dependency', () => {
    const root = workspace({
      'node_modules/a/package.json': pkg('a', { dependencies: { gone: '1' } }),
    });
    expect(() => dependencyClosure(root, ['a'])).toThrow(/gone/);
  });

  it('copies no TypeScript, source maps or docs from a package', () => {
    expect(['index.js', 'package.json', 'LICENSE', 'x.node', 'db.json'].every(isRuntimeFile)).toBe(
      true,
    );
    expect(
      ['index.d.ts', 'src.ts', 'a.mts', 'index.js.map', 'README.md', 'CHANGELOG.md'].some(
        isRuntimeFile,
      ),
    ).toBe(false);
  });

  it('writes main.js, the runtime packages and a notice of every package, read-only for others', () => {
    const root = workspace({
      'package.json': { license: 'MIT' },
      'apps/demo/dist/main.js': 'require("native-thing")',
      'apps/demo/dist/main.js.map': '{"sourcesContent":["secret source"]}',
      'apps/demo/dist/meta.json': meta(
        [{ path: 'native-thing', external: true }],
        ['apps/demo/src/main.ts', 'node_modules/bundled/index.js'],
      ),
      'node_modules/bundled/package.json': pkg('bundled', { license: 'ISC' }),
      'node_modules/bundled/LICENSE': 'ISC licence text of bundled',
      'node_modules/native-thing/package.json': pkg('native-thing'),
      'node_modules/native-thing/index.js': 'module.exports = 1',
      'node_modules/native-thing/index.d.ts': 'export {}',
      'node_modules/native-thing/README.md': '# docs',
    });
    const out = join(mkdtempSync(join(tmpdir(), 'obo-runtime-out-')), 'app');
    const tree = writeRuntimeTree(root, 'demo', out);

    expect(tree.runtimePackages.map((p) => p.name)).toEqual(['native-thing']);
    expect(tree.bundledPackages.map((p) => p.name)).toEqual(['bundled']);
    const files = ['main.js', 'node_modules/native-thing/index.js'];
    for (const file of files) expect(statSync(join(out, file)).mode & 0o777).toBe(0o644);
    expect(statSync(join(out, 'node_modules/native-thing')).mode & 0o777).toBe(0o755);
    expect(() => statSync(join(out, 'main.js.map'))).toThrow();
    expect(() => statSync(join(out, 'node_modules/native-thing/index.d.ts'))).toThrow();
    expect(() => statSync(join(out, 'node_modules/native-thing/README.md'))).toThrow();

    const notice = readFileSync(join(out, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    expect(notice).toContain('@obo/demo — part of the OBO toolkit, MIT License.');
    expect(notice).toContain('bundled 1.0.0 — ISC');
    expect(notice).toContain('ISC licence text of bundled');
    expect(notice).toContain('native-thing 1.0.0 — MIT (node_modules)');
    expect(notice).toContain('ships no license file');
  });

  it('refuses a build without a metafile', () => {
    const root = workspace({ 'apps/demo/dist/main.js': '' });
    expect(() => writeRuntimeTree(root, 'demo', join(root, 'out'))).toThrow(/--metafile/);
  });
});
