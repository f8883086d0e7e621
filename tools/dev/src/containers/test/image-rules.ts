import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { dependencyClosure } from '../../image/runtime-tree';

/**
 * What a runtime image may hold, checked on its unpacked file tree (`podman image mount`):
 * Node.js with its C libraries, the bundle, exactly the packages the bundle imports at run
 * time, license notices — all root's and read-only for the app's user (uid 1000) — and
 * nothing else: no sources, source maps, tests, keys, workspace packages or shell.
 */

export interface ImageConfig {
  User?: string;
  Healthcheck?: { Test?: string[] };
}

export interface ImageExpectations {
  /** Folders the app writes (its volumes): the only entries uid 1000 owns. */
  writable: string[];
  /** Module paths that must not be compiled into main.js (esbuild's `// <path>` comments). */
  forbiddenModules: string[];
}

export type Rule =
  | 'app-contents'
  | 'typescript'
  | 'source-map'
  | 'test-material'
  | 'private-key'
  | 'workspace-package'
  | 'forbidden-module'
  | 'runtime-packages'
  | 'owner'
  | 'writable'
  | 'notice'
  | 'config'
  | 'outside-runtime';

export interface Violation {
  rule: Rule;
  detail: string;
}

/** One file, folder or link of an image, by its path inside the image. */
export interface Entry {
  path: string;
  kind: 'file' | 'dir' | 'link' | 'other';
  uid: number;
  gid: number;
  mode: number;
}

/** An image's file tree: where it is unpacked (to read files) and its entries. */
export interface ImageTree {
  root: string;
  entries: Entry[];
}

/** Where files may be at all: the node runtime (node-rootfs.sh) and /app. */
const RUNTIME_PREFIXES = [
  '/app',
  '/usr/local/bin/node',
  '/usr/lib/',
  '/usr/lib64/',
  '/usr/share/doc/',
  '/var/lib/dpkg/status.d/',
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/os-release',
  '/etc/debian_version',
  '/tmp',
];
const APP_ENTRIES = ['THIRD-PARTY-NOTICES.txt', 'main.js', 'node_modules'];
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{64,}-----END/;

/** Every rule the image breaks. */
export function imageViolations(
  { root, entries }: ImageTree,
  config: ImageConfig,
  expect: ImageExpectations,
): Violation[] {
  const files = entries.filter((e) => e.kind === 'file');
  const appFiles = files.filter((e) => e.path.startsWith('/app/'));
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const violations: Violation[] = [];
  const add = (rule: Rule, detail: string) => violations.push({ rule, detail });
  const underWritable = (path: string) =>
    expect.writable.some((w) => path === w || path.startsWith(`${w}/`));

  const appEntries = entries
    .filter((e) => /^\/app\/[^/]+$/.test(e.path))
    .map((e) => e.path.slice(5))
    .sort();
  const unexpected = appEntries.filter((name) => !APP_ENTRIES.includes(name));
  const missing = ['THIRD-PARTY-NOTICES.txt', 'main.js'].filter((n) => !appEntries.includes(n));
  if (unexpected.length || missing.length) {
    add(
      'app-contents',
      `unexpected: ${unexpected.join(', ') || '-'}; missing: ${missing.join(', ') || '-'}`,
    );
  }

  for (const e of entries) {
    const outside = !RUNTIME_PREFIXES.some((p) => e.path === p || e.path.startsWith(p));
    if (outside && e.kind === 'file' && !underWritable(e.path)) add('outside-runtime', e.path);
  }
  for (const f of files) {
    if (/\.[cm]?ts$/.test(f.path)) add('typescript', f.path);
    if (/\.map$/.test(f.path)) add('source-map', f.path);
  }
  for (const f of appFiles) {
    if (/\.(spec|test)\.[cm]?js$|\/(__tests__|fixtures?|tests?)\//i.test(f.path)) {
      add('test-material', f.path);
    }
    if (/\.(pem|key|p12|pfx)$/i.test(f.path) || PRIVATE_KEY.test(read(f.path))) {
      add('private-key', f.path);
    }
  }
  for (const e of entries) {
    if (/\/(workspace_modules|node_modules\/@obo)(\/|$)/.test(e.path)) {
      add('workspace-package', e.path);
    }
  }

  const main = appEntries.includes('main.js') ? read('/app/main.js') : '';
  if (/\/\/# sourceMappingURL=/.test(main)) add('source-map', '/app/main.js points to a map');
  for (const module of expect.forbiddenModules) {
    if (main.includes(`\n// ${module}`)) add('forbidden-module', module);
  }
  checkRuntimePackages(root, main, entries, add);

  for (const e of entries) {
    if (e.kind === 'link') continue;
    const writableDir = expect.writable.includes(e.path);
    if (writableDir ? e.uid !== 1000 : e.uid !== 0 || e.gid !== 0) {
      add('owner', `${e.path} is ${e.uid}:${e.gid}`);
    }
    if (!writableDir && e.path !== '/tmp' && (e.mode & 0o022) !== 0) {
      add('writable', `${e.path} mode ${(e.mode & 0o7777).toString(8)}`);
    }
  }

  for (const notice of ['/app/THIRD-PARTY-NOTICES.txt', '/usr/share/doc/nodejs/LICENSE']) {
    const entry = files.find((f) => f.path === notice);
    if (!entry || read(notice).trim() === '') add('notice', `${notice} missing or empty`);
  }

  if (!/^1000(:1000)?$/.test(config.User ?? '')) add('config', `USER is ${config.User || 'root'}`);
  if (config.Healthcheck?.Test?.[0] !== 'CMD') add('config', 'no exec-form HEALTHCHECK');
  return violations;
}

/** node_modules holds exactly the packages main.js imports at run time, and theirs. */
function checkRuntimePackages(
  root: string,
  main: string,
  entries: Entry[],
  add: (rule: Rule, detail: string) => void,
): void {
  const imports = [...main.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)]
    .map((m) => m[1])
    .filter((name) => !isBuiltin(name) && !name.startsWith('.'));
  const names = [
    ...new Set(
      imports.map((i) =>
        i
          .split('/')
          .slice(0, i.startsWith('@') ? 2 : 1)
          .join('/'),
      ),
    ),
  ];
  let expected: string[] = [];
  try {
    expected = dependencyClosure(join(root, 'app'), names).map((p) => `/app/${p.path}`);
  } catch (error) {
    add('runtime-packages', (error as Error).message);
  }
  const present = entries
    .filter((e) => e.kind === 'dir' && /\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(e.path))
    .map((e) => e.path);
  for (const p of present)
    if (!expected.includes(p)) add('runtime-packages', `${p} is not imported`);
  for (const p of expected) if (!present.includes(p)) add('runtime-packages', `${p} is missing`);
}

/** The entries under `root` (an unpacked image), with their owners and modes. */
export function readTree(root: string): ImageTree {
  return { root, entries: walk(root, '') };
}

function walk(root: string, path: string): Entry[] {
  const stat = lstatSync(join(root, path) || '/');
  const kind = stat.isSymbolicLink()
    ? 'link'
    : stat.isDirectory()
      ? 'dir'
      : stat.isFile()
        ? 'file'
        : 'other';
  const entry: Entry = { path: path || '/', kind, uid: stat.uid, gid: stat.gid, mode: stat.mode };
  if (kind !== 'dir') return [entry];
  const children = readdirSync(join(root, path)).sort();
  return [entry, ...children.flatMap((name) => walk(root, `${path}/${name}`))];
}
