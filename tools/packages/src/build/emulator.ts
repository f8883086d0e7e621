import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { PackageSpec } from '../packages';
import { packageName, type Manifest } from './manifest';
import { finishPackage, writeEsmWrapper } from './shared';
import { compile, pruneDeclarations } from './typescript';

/**
 * Keeps third-party packages as imports (they become the package's dependencies) and bundles
 * the workspace's own code (`@obo/*` and relative files), so nothing workspace-only is left
 * for a consumer to resolve.
 */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@obo/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * The emulator as a package in `out`: `dist/cli.js` (the `obo-entra-emulator` command and the
 * server the fixture spawns), `dist/index.js` (fixture and seed builder), the transparent-mode
 * preload, declarations for the entry, package.json, README and LICENSE.
 */
export async function buildEmulator(
  root: string,
  spec: PackageSpec,
  out: string,
  version: string,
  builtPackages: Record<string, string>,
): Promise<Manifest> {
  rmSync(out, { recursive: true, force: true });
  const dist = join(out, 'dist');
  mkdirSync(dist, { recursive: true });
  const src = join(root, spec.dir, 'src');
  const result = await build({
    entryPoints: {
      cli: join(src, 'package', 'cli.ts'),
      index: join(src, 'package', 'index.ts'),
      'transparent/route-to-emulator': join(src, 'transparent', 'route-to-emulator.ts'),
    },
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: join(root, spec.dir, 'tsconfig.app.json'),
    plugins: [externalThirdParty],
    metafile: true,
    logLevel: 'warning',
  });
  chmodSync(join(dist, 'cli.js'), 0o755);
  const required = [
    ...new Set(
      Object.values(result.metafile.outputs).flatMap((o) =>
        o.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageName(i.path)),
      ),
    ),
  ].sort();

  const types = join(dist, 'types');
  const names = compile({
    root,
    rootNames: [join(src, 'package', 'index.ts')],
    rootDir: src,
    outDir: types,
    declarationsOnly: true,
    builtPackages,
  });
  const declarations = pruneDeclarations(types, join(types, 'package', 'index.d.ts'));
  writeFileSync(join(dist, 'index.d.ts'), "export * from './types/package/index';\n");
  writeEsmWrapper(dist, './index.js', names);

  return finishPackage({
    root,
    spec,
    out,
    version,
    required,
    declarations,
    bin: { 'obo-entra-emulator': 'dist/cli.js' },
  });
}
