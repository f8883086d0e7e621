import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageSpec } from '../packages';
import { declaredRange, publishableManifest, readManifest, type Manifest } from './manifest';
import { packageImports } from './typescript';

/** The ESM entry: Node's named exports of the CommonJS build, one instance for both formats. */
export function writeEsmWrapper(dist: string, from: string, names: string[]): void {
  const bad = names.filter((n) => !/^[A-Za-z_$][\w$]*$/.test(n) || n === 'default');
  if (bad.length > 0) throw new Error(`cannot re-export ${bad.join(', ')} from ESM`);
  writeFileSync(
    join(dist, 'index.mjs'),
    [
      `import entry from '${from}';`,
      '',
      `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = entry;`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dist, 'index.d.mts'), `export * from '${from}';\n`);
}

/**
 * Dependencies: each package the JavaScript requires, with the range the workspace declares,
 * plus every `@obo/*` package the declarations name (our own types, at the same version).
 */
function packageDependencies(
  root: string,
  projectDir: string,
  required: string[],
  declarationFiles: string[],
  version: string,
): Record<string, string> {
  const own = packageImports(declarationFiles).filter((n) => n.startsWith('@obo/'));
  return Object.fromEntries(
    [...new Set([...required, ...own])]
      .sort()
      .map((name) => [
        name,
        name.startsWith('@obo/') ? version : declaredRange(root, projectDir, name),
      ]),
  );
}

/**
 * Packages the declarations need beyond the runtime dependencies, as optional peers: `@types/x`
 * for an imported `x` without its own types (`express`, `passport`), or `x` itself when it has
 * types but is not needed at run time. TypeScript consumers install them; JavaScript ones never.
 */
function typePeers(
  root: string,
  projectDir: string,
  declarationFiles: string[],
  runtime: Record<string, string>,
): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const name of packageImports(declarationFiles)) {
    if (name.startsWith('@obo/')) continue;
    if (hasOwnTypes(root, name)) {
      if (!(name in runtime)) peers[name] = declaredRange(root, projectDir, name);
    } else {
      const types = `@types/${name.replace(/^@([^/]+)\//, '$1__')}`;
      peers[types] = declaredRange(root, projectDir, types);
    }
  }
  return peers;
}

function hasOwnTypes(root: string, name: string): boolean {
  const dir = join(root, 'node_modules', name);
  const manifest = readManifest(join(dir, 'package.json'));
  const exported = JSON.stringify(manifest.exports ?? {}).includes('"types"');
  return (
    Boolean(manifest.types || manifest.typings || exported) || existsSync(join(dir, 'index.d.ts'))
  );
}

/** README (the project's own) and LICENSE (the repository's) next to the package.json. */
function writeDocuments(root: string, projectDir: string, out: string): void {
  const readme = join(root, projectDir, 'README.md');
  if (!existsSync(readme)) throw new Error(`${projectDir}/README.md is missing`);
  copyFileSync(readme, join(out, 'README.md'));
  copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
}

/** What {@link finishPackage} needs once the package's `dist` is written. */
export interface FinishOptions {
  root: string;
  spec: PackageSpec;
  out: string;
  version: string;
  /** Packages the JavaScript requires. */
  required: string[];
  /** The declaration files a consumer sees. */
  declarations: string[];
  bin?: Record<string, string>;
}

/** Writes the publishable package.json (dependencies, type peers), README and LICENSE. */
export function finishPackage(options: FinishOptions): Manifest {
  const { root, spec, out, version, declarations } = options;
  const dependencies = packageDependencies(root, spec.dir, options.required, declarations, version);
  const manifest = publishableManifest({
    source: readManifest(join(root, spec.dir, 'package.json')),
    version,
    dependencies,
    typePeers: typePeers(root, spec.dir, declarations, dependencies),
    bin: options.bin,
  });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeDocuments(root, spec.dir, out);
  return manifest;
}
