import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageSpec } from '../packages';
import type { Manifest } from './manifest';
import { finishPackage, writeEsmWrapper } from './shared';
import { compile, filesUnder, packageImports } from './typescript';

/**
 * A library as a package in `out`: `dist/**.js` (CommonJS) with `.d.ts` from tsc, `index.mjs`
 * + `index.d.mts` for ESM consumers, the publishable package.json, README and LICENSE.
 */
export function buildLibrary(
  root: string,
  spec: PackageSpec,
  out: string,
  version: string,
  builtPackages: Record<string, string>,
): Manifest {
  rmSync(out, { recursive: true, force: true });
  const dist = join(out, 'dist');
  mkdirSync(dist, { recursive: true });
  const src = join(root, spec.dir, 'src');
  const names = compile({
    root,
    rootNames: [join(src, 'index.ts')],
    rootDir: src,
    outDir: dist,
    declarationsOnly: false,
    builtPackages,
  });
  writeEsmWrapper(dist, './index.js', names);
  const files = filesUnder(dist);
  return finishPackage({
    root,
    spec,
    out,
    version,
    required: packageImports(files.filter((f) => f.endsWith('.js'))),
    declarations: files.filter((f) => f.endsWith('.d.ts')),
  });
}
