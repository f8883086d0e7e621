import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';
import { declaredRange } from '../build/manifest';
import { PACKAGES, packageOutDir } from '../packages';

/** Public packages the consumer installs from the registry besides the tarballs. */
const PUBLIC_DEPENDENCIES = ['express', 'passport'];
const PUBLIC_DEV_DEPENDENCIES = ['typescript', '@types/node', '@types/express', '@types/passport'];
/** Vitest (not a workspace dependency): the 3.2 line is the newest that runs on Node 20. */
const VITEST = '~3.2.4';

interface Packed {
  name: string;
  filename: string;
  /** Bytes of the tarball. */
  size: number;
  unpackedSize: number;
  entryCount: number;
}

/**
 * `nx run @obo/packages:outside`: packs the built packages, makes a fresh project in a
 * temporary folder outside the workspace, installs the tarballs and public dependencies from
 * the registry, and runs there: `tsc` (nodenext build, node16 and bundler checks) and the
 * consumer's own `node --test` suite (tools/packages/consumer). `--keep` leaves the folder.
 */
function main(): void {
  const root = findWorkspaceRoot();
  const keep = process.argv.includes('--keep');
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'obo-outside-'));
  if (!relative(root, tmp).startsWith('..')) throw new Error(`${tmp} is inside the workspace`);
  const step = (what: string, run: () => void) => {
    const at = Date.now();
    console.log(`\n==> ${what}`);
    run();
    console.log(`    (${((Date.now() - at) / 1000).toFixed(1)} s)`);
  };
  try {
    const tarballs = join(tmp, 'tarballs');
    let packed: Packed[] = [];
    step('npm pack', () => {
      mkdirSync(tarballs);
      packed = PACKAGES.map((spec) => pack(packageOutDir(root, spec.name), tarballs));
      for (const p of packed) {
        console.log(
          `    ${p.filename}  ${kib(p.size)} packed, ${kib(p.unpackedSize)} unpacked, ${p.entryCount} files`,
        );
      }
    });
    const project = join(tmp, 'consumer');
    cpSync(join(root, 'tools', 'packages', 'consumer'), project, { recursive: true });
    writeFileSync(join(project, 'package.json'), consumerManifest(root, packed, tarballs));
    const run = (command: string, args: string[]) => exec(command, args, { cwd: project });
    step('npm install (the tarballs and public registry packages only)', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']),
    );
    step('installed @obo packages are the tarballs, one copy each', () =>
      checkInstalled(project, packed),
    );
    step('tsc: build (nodenext), then --noEmit with node16 and bundler resolution', () => {
      run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
      run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.node16.json']);
      run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.bundler.json']);
    });
    step('the emulator command: obo-entra-emulator --help', () =>
      run('node_modules/.bin/obo-entra-emulator', ['--help']),
    );
    step("node --test: the consumer's own tests", () =>
      run('node', ['--test', '--test-reporter=spec', 'test/']),
    );
    step('vitest run: the emulator fixture under Vitest', () =>
      run('node', ['node_modules/vitest/vitest.mjs', 'run']),
    );
    console.log(`\noutside test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (keep) console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

function pack(dir: string, destination: string): Packed {
  const out = exec('npm', ['pack', dir, '--json', '--pack-destination', destination], {
    cwd: destination,
    quiet: true,
  });
  const [info] = JSON.parse(out) as (Packed & { files: unknown[] })[];
  return { ...info, entryCount: info.files.length };
}

/** The fresh project's package.json: the tarballs as `file:` dependencies, public ones by range. */
function consumerManifest(root: string, packed: Packed[], tarballs: string): string {
  const range = (name: string) => declaredRange(root, 'tools/packages', name);
  return `${JSON.stringify(
    {
      name: 'obo-outside-consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries(packed.map((p) => [p.name, `file:${join(tarballs, p.filename)}`])),
        ...Object.fromEntries(PUBLIC_DEPENDENCIES.map((n) => [n, range(n)])),
      },
      devDependencies: {
        ...Object.fromEntries(PUBLIC_DEV_DEPENDENCIES.map((n) => [n, range(n)])),
        vitest: VITEST,
      },
    },
    null,
    2,
  )}\n`;
}

/** Every `@obo/*` package is installed from its tarball, once (no nested copy anywhere). */
function checkInstalled(project: string, packed: Packed[]): void {
  const tree = JSON.parse(exec('npm', ['ls', '--json'], { cwd: project, quiet: true })) as {
    dependencies?: Record<string, { resolved?: string }>;
  };
  for (const { name, filename } of packed) {
    const resolved = tree.dependencies?.[name]?.resolved ?? 'nothing';
    if (!resolved.endsWith(`/${filename}`)) {
      throw new Error(`${name} resolved to ${resolved}, not to ${filename}`);
    }
  }
  const nested = nestedObo(join(project, 'node_modules'), true);
  if (nested.length > 0) throw new Error(`nested @obo copies: ${nested.join(', ')}`);
  console.log(`    ${packed.length} @obo packages, each from its tarball, once`);
}

/** `node_modules/@obo` folders below the top level. */
function nestedObo(modules: string, top: boolean): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((entry) => {
    const path = join(modules, entry);
    if (entry === '@obo' && !top) return [path];
    const packages = entry.startsWith('@')
      ? readdirSync(path).map((name) => join(path, name))
      : [path];
    return packages.flatMap((dir) => nestedObo(join(dir, 'node_modules'), false));
  });
}

function exec(command: string, args: string[], options: { cwd: string; quiet?: boolean }): string {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_|NODE_OPTIONS$|NODE_PATH$|INIT_CWD$)/i.test(key),
    ),
  );
  const settings: ExecFileSyncOptions = {
    cwd: options.cwd,
    env,
    stdio: options.quiet ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  };
  return (execFileSync(command, args, settings) as string | null) ?? '';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

main();
