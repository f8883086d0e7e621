import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  imageViolations,
  readTree,
  type Entry,
  type ImageConfig,
  type ImageExpectations,
  type ImageTree,
  type Rule,
} from './test/image-rules';

/**
 * The image rules on a small unpacked tree that keeps every one of them, then each rule broken
 * alone. Owners and modes are those an image build gives (root's, 0644/0755), set on the
 * entries, so this runs as any user.
 */

const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.repeat(3);

const GOOD: Record<string, string> = {
  '/usr/local/bin/node': 'ELF',
  '/usr/lib/x86_64-linux-gnu/libc.so.6': 'ELF',
  '/usr/share/doc/nodejs/LICENSE': 'Node.js is licensed for use as follows: MIT',
  '/etc/passwd': 'node:x:1000:1000::/nonexistent:/usr/sbin/nologin',
  '/app/main.js': [
    '"use strict";',
    '// libs/config/src/index.ts',
    'var fs = require("node:fs");',
    'import("@node-rs/xxhash");',
    "// a doc comment mentioning import('./types') is no import",
  ].join('\n'),
  '/app/THIRD-PARTY-NOTICES.txt': '@obo/api — MIT',
  '/app/node_modules/@node-rs/xxhash/package.json': JSON.stringify({
    name: '@node-rs/xxhash',
    version: '1.7.8',
    optionalDependencies: { '@node-rs/xxhash-linux-x64-gnu': '1.7.8' },
  }),
  '/app/node_modules/@node-rs/xxhash/index.js': 'module.exports = {}',
  '/app/node_modules/@node-rs/xxhash-linux-x64-gnu/package.json': JSON.stringify({
    name: '@node-rs/xxhash-linux-x64-gnu',
    version: '1.7.8',
  }),
  '/app/node_modules/@node-rs/xxhash-linux-x64-gnu/xxhash.node': 'ELF',
};
const CONFIG: ImageConfig = { User: '1000:1000', Healthcheck: { Test: ['CMD', 'node', '-e', ''] } };
const EXPECT: ImageExpectations = {
  writable: ['/data'],
  forbiddenModules: ['libs/testing/', 'apps/entra-emulator/'],
};

/** The tree of `files` (plus an empty /data and /tmp), owned as an image build leaves it. */
function tree(
  files: Record<string, string>,
  adjust: (entry: Entry) => Entry = (e) => e,
): ImageTree {
  const root = mkdtempSync(join(tmpdir(), 'obo-image-rules-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(join(root, 'data'));
  mkdirSync(join(root, 'tmp'));
  const built = readTree(root);
  const entries = built.entries.map((e) => {
    const dir = e.kind === 'dir';
    const owned: Entry = { ...e, uid: 0, gid: 0, mode: (e.mode & ~0o7777) | (dir ? 0o755 : 0o644) };
    if (e.path === '/data') owned.uid = owned.gid = 1000;
    if (e.path === '/tmp') owned.mode = (e.mode & ~0o7777) | 0o1777;
    return adjust(owned);
  });
  return { root, entries };
}

const rulesOf = (t: ImageTree, config = CONFIG, expect = EXPECT): Rule[] => [
  ...new Set(imageViolations(t, config, expect).map((v) => v.rule)),
];

describe('runtime image rules', () => {
  it('accept an image holding only node, the bundle, its runtime packages and notices', () => {
    expect(imageViolations(tree(GOOD), CONFIG, EXPECT)).toEqual([]);
  });

  it.each<[string, Record<string, string>, Rule[]]>([
    ['an extra file in /app', { '/app/package.json': '{}' }, ['app-contents']],
    ['no license notice', { '/app/THIRD-PARTY-NOTICES.txt': '' }, ['notice']],
    [
      'a TypeScript declaration',
      { '/app/node_modules/@node-rs/xxhash/index.d.ts': '' },
      ['typescript'],
    ],
    ['a source map', { '/app/node_modules/@node-rs/xxhash/index.js.map': '{}' }, ['source-map']],
    ['a test fixture', { '/app/node_modules/@node-rs/xxhash/test/x.js': '' }, ['test-material']],
    [
      'a private key inside a file',
      {
        '/app/node_modules/@node-rs/xxhash/k.js': `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----`,
      },
      ['private-key'],
    ],
    ['a shell', { '/bin/sh': 'ELF' }, ['outside-runtime']],
    [
      'a workspace package',
      { '/app/node_modules/@obo/testing/package.json': '{"name":"@obo/testing"}' },
      // A package main.js does not import, too.
      ['workspace-package', 'runtime-packages'],
    ],
  ])('refuse %s', (_name, change, rules) => {
    expect(rulesOf(tree({ ...GOOD, ...change }))).toEqual(rules);
  });

  it('refuse a bundle compiled with the test helpers or the emulator (its seed)', () => {
    const main = `${GOOD['/app/main.js']}\n// apps/entra-emulator/seed/default.json\nvar seed = {};`;
    expect(rulesOf(tree({ ...GOOD, '/app/main.js': main }))).toEqual(['forbidden-module']);
  });

  it('refuse a bundle pointing to a source map', () => {
    const main = `${GOOD['/app/main.js']}\n//# sourceMappingURL=main.js.map`;
    expect(rulesOf(tree({ ...GOOD, '/app/main.js': main }))).toEqual(['source-map']);
  });

  it('refuse a runtime package main.js does not import, and a missing one', () => {
    const extra = { ...GOOD, '/app/node_modules/left-pad/package.json': '{"name":"left-pad"}' };
    expect(rulesOf(tree(extra))).toEqual(['runtime-packages']);
    const { ['/app/node_modules/@node-rs/xxhash/package.json']: _gone, ...rest } = GOOD;
    const without = Object.fromEntries(
      Object.entries(rest).filter(([p]) => !p.startsWith('/app/node_modules/@node-rs/xxhash/')),
    );
    expect(rulesOf(tree(without))).toEqual(['runtime-packages']);
  });

  it('refuse a file the app user owns, and one it may write', () => {
    const ownedByApp = tree(GOOD, (e) => (e.path === '/app/main.js' ? { ...e, uid: 1000 } : e));
    expect(rulesOf(ownedByApp)).toEqual(['owner']);
    const groupWritable = tree(GOOD, (e) =>
      e.path === '/app/node_modules' ? { ...e, mode: e.mode | 0o020 } : e,
    );
    expect(rulesOf(groupWritable)).toEqual(['writable']);
  });

  it('refuse a root user and an image without an exec-form HEALTHCHECK', () => {
    expect(rulesOf(tree(GOOD), { ...CONFIG, User: '' })).toEqual(['config']);
    expect(rulesOf(tree(GOOD), { User: '1000:1000' })).toEqual(['config']);
  });
});
