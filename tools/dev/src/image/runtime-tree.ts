import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix } from 'node:path';

/**
 * What an app's runtime image holds besides Node.js, assembled from its esbuild bundle:
 * `main.js`, the packages the bundle still imports at run time (the metafile's external
 * imports of the output that are not Node built-ins, e.g. `@node-rs/xxhash`, whose native
 * binary cannot be bundled) with the dependencies installed for them, and a notice of every
 * third-party package inside. Files 0644, folders 0755: owned by whoever runs this (root in
 * the Dockerfiles), only readable by the user the app runs as.
 */

/** The part of esbuild's metafile this reads. */
export interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<
    string,
    { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[] }
  >;
}

/** A package folder relative to the workspace root, e.g. `node_modules/@node-rs/xxhash`. */
export interface PackageRef {
  path: string;
  name: string;
  version: string;
  license: string;
}

export interface RuntimeTree {
  /** Packages copied to `node_modules` (those the bundle imports at run time, and theirs). */
  runtimePackages: PackageRef[];
  /** Third-party packages compiled into the bundle. */
  bundledPackages: PackageRef[];
}

/** Packages the output `main.js` imports at run time: non-builtin externals, by name. */
export function runtimeImports(meta: Metafile, output: string): string[] {
  const out = meta.outputs[output];
  if (!out) throw new Error(`the metafile has no output ${output}`);
  const names = out.imports
    .filter((i) => i.external && !isBuiltin(i.path))
    .map((i) => packageName(i.path));
  return [...new Set(names)].sort();
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** `node_modules/a/node_modules/@s/b/lib/x.js` → `node_modules/a/node_modules/@s/b`. */
export function packageRoot(file: string): string | undefined {
  const at = file.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const rest = file.slice(at + 'node_modules/'.length).split('/');
  const length = rest[0].startsWith('@') ? 2 : 1;
  return file.slice(0, at) + posix.join('node_modules', ...rest.slice(0, length));
}

/** Where Node resolves `name` from the package at `from`: the nearest `node_modules` up. */
function resolvePackage(root: string, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = posix.join(base, 'node_modules', name);
    if (readJson(join(root, candidate, 'package.json'))) return candidate;
    if (base === '' || base === '.') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

/**
 * `names` resolved from `from` with every dependency and installed optional dependency they
 * need, as Node would load them. A missing required dependency is an error; a missing optional
 * one (another platform's binary) is not.
 */
export function dependencyClosure(root: string, names: string[], from = ''): PackageRef[] {
  const found = new Map<string, PackageRef>();
  const queue = names.map((name) => ({ name, from, optional: false }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    const path = resolvePackage(root, next.from, next.name);
    if (!path) {
      if (next.optional) continue;
      throw new Error(`${next.name} (needed at run time) is not installed under ${root}`);
    }
    if (found.has(path)) continue;
    const pkg = packageRef(root, path);
    found.set(path, pkg);
    const manifest = readJson(join(root, path, 'package.json')) ?? {};
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      queue.push({ name: dep, from: path, optional: false });
    }
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
      queue.push({ name: dep, from: path, optional: true });
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Third-party packages whose files esbuild compiled into the bundle. */
export function bundledPackages(root: string, meta: Metafile): PackageRef[] {
  const paths = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const path = packageRoot(input);
    if (path) paths.add(path);
  }
  return [...paths].sort().map((path) => packageRef(root, path));
}

/** Files a runtime package needs: not its TypeScript, source maps, docs or nested installs. */
export function isRuntimeFile(name: string): boolean {
  return !/(\.[cm]?ts|\.map|^(readme|changelog|history)(\.[a-z]+)?)$/i.test(name);
}

/**
 * Writes `main.js`, `node_modules/…` and `THIRD-PARTY-NOTICES.txt` for `app` into `out`,
 * from `apps/<app>/dist` (built with `--metafile=true --sourcemap=false`).
 */
export function writeRuntimeTree(root: string, app: string, out: string): RuntimeTree {
  const dist = join(root, 'apps', app, 'dist');
  const meta = readJson<Metafile>(join(dist, 'meta.json'));
  if (!meta) throw new Error(`${dist}/meta.json is missing: build with --metafile=true`);
  const output = posix.join('apps', app, 'dist', 'main.js');
  const runtime = dependencyClosure(root, runtimeImports(meta, output));
  const bundled = bundledPackages(root, meta);

  mkdirSync(out, { recursive: true, mode: 0o755 });
  copyFile(join(dist, 'main.js'), join(out, 'main.js'));
  for (const pkg of runtime) copyPackage(join(root, pkg.path), join(out, pkg.path));
  writeFileSync(join(out, 'THIRD-PARTY-NOTICES.txt'), notices(root, app, bundled, runtime), {
    mode: 0o644,
  });
  return { runtimePackages: runtime, bundledPackages: bundled };
}

function notices(root: string, app: string, bundled: PackageRef[], runtime: PackageRef[]) {
  const own = readJson(join(root, 'package.json'))?.license ?? 'see the repository';
  const rule = '='.repeat(78);
  const sections = [...bundled, ...runtime].map((pkg) =>
    [
      rule,
      `${pkg.name} ${pkg.version} — ${pkg.license}${runtime.includes(pkg) ? ' (node_modules)' : ''}`,
      rule,
      licenseText(join(root, pkg.path)) ??
        `(the package ships no license file; its package.json says: ${pkg.license})`,
      '',
    ].join('\n'),
  );
  return [
    `@obo/${app} — part of the OBO toolkit, ${own} License.`,
    '',
    'main.js bundles the third-party packages below (and node_modules holds those marked so),',
    'each under its own license, reproduced as the package ships it. Node.js and the C',
    'libraries it needs carry their notices in /usr/share/doc.',
    '',
    ...sections,
  ].join('\n');
}

function licenseText(dir: string): string | undefined {
  const file = readdirSync(dir)
    .filter((name) => /^(licen[cs]e|copying)([-._].*)?$/i.test(name))
    .sort()[0];
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

function packageRef(root: string, path: string): PackageRef {
  const manifest = readJson(join(root, path, 'package.json'));
  if (!manifest) throw new Error(`${path}/package.json is missing`);
  const license =
    typeof manifest.license === 'string'
      ? manifest.license
      : (manifest.license?.type ?? 'no license field');
  return { path, name: manifest.name ?? path, version: manifest.version ?? '?', license };
}

function copyPackage(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || !isRuntimeFile(entry.name)) continue;
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyPackage(source, join(to, entry.name));
    else if (entry.isFile()) copyFile(source, join(to, entry.name));
  }
}

function copyFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
  copyFileSync(from, to);
  chmodSync(to, 0o644);
}

interface Manifest {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson<T = Manifest>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const [app, out] = process.argv.slice(2);
  if (!app || !out) {
    console.error('usage: runtime-tree <app> <out dir>');
    process.exit(2);
  }
  const root = process.cwd();
  const tree = writeRuntimeTree(root, app, out);
  console.log(
    `${app}: main.js, ${tree.bundledPackages.length} packages bundled, node_modules: ${
      tree.runtimePackages.map((p) => `${p.name}@${p.version}`).join(', ') || 'none'
    }`,
  );
}
