import { join } from 'node:path';

/** How a package is made: a library compiled file by file, or the emulator bundled. */
export type PackageKind = 'library' | 'emulator';

export interface PackageSpec {
  name: string;
  /** Project folder, relative to the workspace root. */
  dir: string;
  kind: PackageKind;
}

/**
 * The published packages, in build order (a library after the libraries it imports): the four
 * the issue names plus `@obo/errors` and `@obo/http`, which they import — packages of their own,
 * versioned together with them, rather than copies bundled into each.
 */
export const PACKAGES: readonly PackageSpec[] = [
  { name: '@obo/errors', dir: 'libs/errors', kind: 'library' },
  { name: '@obo/token-validation', dir: 'libs/token-validation', kind: 'library' },
  { name: '@obo/http', dir: 'libs/http', kind: 'library' },
  { name: '@obo/config', dir: 'libs/config', kind: 'library' },
  { name: '@obo/token-acquisition', dir: 'libs/token-acquisition', kind: 'library' },
  { name: '@obo/entra-emulator', dir: 'apps/entra-emulator', kind: 'emulator' },
];

/** `dist/packages/<name without scope>`: where a package is assembled (what `npm pack` packs). */
export function packageOutDir(root: string, name: string): string {
  return join(root, 'dist', 'packages', name.replace(/^@[^/]+\//, ''));
}
