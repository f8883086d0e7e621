import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageSpec } from '../packages';
import { publishableManifest, readManifest, type Manifest } from './manifest';
import {
  packageDependencies,
  typePeers,
  writeDocuments,
  writeEsmWrapper,
  writeManifest,
} from './shared';
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
  const declarations = files.filter((f) => f.endsWith('.d.ts'));
  const runtime = packageDependencies(
    root,
    spec.dir,
    packageImports(files.filter((f) => f.endsWith('.js'))),
    declarations,
    version,
  );
  const manifest = publishableManifest({
    source: readManifest(join(root, spec.dir, 'package.json')),
    version,
    dependencies: runtime,
    typePeers: typePeers(root, spec.dir, declarations, runtime),
    entry: {
      main: './dist/index.js',
      types: './dist/index.d.ts',
      module: './dist/index.mjs',
      moduleTypes: './dist/index.d.mts',
    },
  });
  writeManifest(out, manifest);
  writeDocuments(root, spec.dir, out);
  return manifest;
}
