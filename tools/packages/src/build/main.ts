import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';
import { PACKAGES, packageOutDir } from '../packages';
import { buildEmulator } from './emulator';
import { buildLibrary } from './library';
import { readManifest } from './manifest';

/**
 * `nx run @obo/packages:build`: assembles every publishable package under `dist/packages/`,
 * in dependency order, each at the version its project's package.json holds (`nx release
 * version` sets them together). The workspace's own package.json files are not touched.
 */
export async function buildPackages(root: string): Promise<void> {
  const built: Record<string, string> = {};
  for (const spec of PACKAGES) {
    const started = Date.now();
    const out = packageOutDir(root, spec.name);
    const { version } = readManifest(join(root, spec.dir, 'package.json'));
    const build = spec.kind === 'library' ? buildLibrary : buildEmulator;
    const manifest = await build(root, spec, out, version, built);
    built[spec.name] = join(out, 'dist', 'index.d.ts');
    const deps = Object.keys(manifest.dependencies ?? {}).join(', ') || 'none';
    console.log(`${spec.name}@${version} (${Date.now() - started} ms) → ${out}\n  deps: ${deps}`);
  }
}

if (require.main === module) {
  buildPackages(findWorkspaceRoot()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
