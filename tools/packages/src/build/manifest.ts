import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';

/** The fields of a package.json this build reads or writes. */
export interface Manifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  private?: boolean;
  sideEffects?: boolean;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
  [field: string]: unknown;
}

export function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True for a bare specifier naming an npm package (not relative, not a Node built-in). */
export function isPackageImport(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier);
}

/**
 * The version range of a third-party package as the workspace declares it: from the
 * `dependencies` (then `devDependencies`) of the workspace's own package.json files, the
 * project's first. Throws when nobody declares it: an import nobody declared is a bug.
 */
export function declaredRange(root: string, projectDir: string, name: string): string {
  const manifests = [join(root, projectDir, 'package.json'), ...workspaceManifests(root)];
  for (const field of ['dependencies', 'devDependencies'] as const) {
    for (const path of manifests) {
      const range = readManifest(path)[field]?.[name];
      if (range && range !== '*') return range;
    }
  }
  throw new Error(`${projectDir} imports ${name}, which no package.json of the workspace declares`);
}

function workspaceManifests(root: string): string[] {
  const paths = [join(root, 'package.json')];
  for (const group of ['libs', 'apps', 'tools']) {
    for (const entry of readdirSync(join(root, group))) {
      const path = join(root, group, entry, 'package.json');
      if (existsSync(path)) paths.push(path);
    }
  }
  return paths;
}

/** Options of {@link publishableManifest}. */
export interface PublishableOptions {
  source: Manifest;
  /** The version every `@obo/*` package gets (fixed versioning). */
  version: string;
  /** Packages the compiled JavaScript requires, with their ranges (`@obo/*` → `version`). */
  dependencies: Record<string, string>;
  /** Packages only the type declarations import (e.g. `@types/express`): optional peers. */
  typePeers: Record<string, string>;
  /** Commands (`bin`), for the emulator. */
  bin?: Record<string, string>;
}

/** Every package's entry points: CommonJS with its declarations, and the ESM wrapper with its own. */
const ENTRY = {
  main: './dist/index.js',
  types: './dist/index.d.ts',
  module: './dist/index.mjs',
  moduleTypes: './dist/index.d.mts',
};

/** The package.json that goes to npm: compiled entry points, only what runs, no workspace fields. */
export function publishableManifest(options: PublishableOptions): Manifest {
  const { source } = options;
  const entry = ENTRY;
  const peers = Object.keys(options.typePeers).sort();
  return {
    name: source.name,
    version: options.version,
    description: source.description,
    license: 'MIT',
    author: 'OBO toolkit contributors',
    keywords: ['microsoft-entra', 'azure-ad', 'on-behalf-of', 'oauth2', 'msal'],
    engines: { node: '>=20.19' },
    type: 'commonjs',
    main: entry.main,
    types: entry.types,
    exports: {
      '.': {
        import: { types: entry.moduleTypes, default: entry.module },
        require: { types: entry.types, default: entry.main },
      },
      './package.json': './package.json',
    },
    ...(options.bin ? { bin: options.bin } : {}),
    files: ['dist', 'README.md', 'LICENSE'],
    ...(source.sideEffects === false ? { sideEffects: false } : {}),
    dependencies: sorted(options.dependencies),
    ...(peers.length > 0
      ? {
          peerDependencies: sorted(options.typePeers),
          peerDependenciesMeta: Object.fromEntries(peers.map((p) => [p, { optional: true }])),
        }
      : {}),
  };
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
