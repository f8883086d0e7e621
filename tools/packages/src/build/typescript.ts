import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { isPackageImport, packageName } from './manifest';

/** What {@link compile} needs: the sources, where the output goes, and how `@obo/*` resolves. */
export interface CompileOptions {
  root: string;
  /** Entry files (absolute); every file they import is compiled too. */
  rootNames: string[];
  rootDir: string;
  outDir: string;
  /** Only `.d.ts` files (the JavaScript comes from esbuild). */
  declarationsOnly: boolean;
  /** `@obo/<name>` → the `.d.ts` entry of its already-built package. */
  builtPackages: Record<string, string>;
}

/**
 * Compiles with the workspace's compiler options (strict, nodenext → CommonJS here) to
 * `outDir`: JavaScript and declarations, no source or declaration maps, `@obo/*` imports
 * resolved to the packages built before (so they stay imports, never copies). Throws with the
 * compiler's diagnostics on any error. Returns the names of the entry's runtime exports.
 */
export function compile(options: CompileOptions): string[] {
  const parsed = ts.parseJsonConfigFileContent(
    {
      extends: join(options.root, 'tsconfig.base.json'),
      compilerOptions: {
        rootDir: options.rootDir,
        outDir: options.outDir,
        composite: false,
        incremental: false,
        declaration: true,
        declarationMap: false,
        sourceMap: false,
        emitDeclarationOnly: options.declarationsOnly,
        noEmit: false,
        paths: Object.fromEntries(
          Object.entries(options.builtPackages).map(([name, dts]) => [name, [dts]]),
        ),
      },
      files: options.rootNames,
    },
    ts.sys,
    options.root,
  );
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (diagnostics.length > 0 || emitted.emitSkipped) {
    throw new Error(
      ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => options.root,
        getNewLine: () => '\n',
      }),
    );
  }
  return runtimeExports(program, options.rootNames[0]);
}

/** Names the entry exports as values (functions, classes, constants), not types. */
function runtimeExports(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${entry} is not a module`);
  return checker
    .getExportsOfModule(module)
    .filter((symbol) => {
      const typeOnly = symbol.declarations?.some(
        (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
      );
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return !typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.getName())
    .sort();
}

/** Every file under `dir`. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const SPECIFIERS = [
  /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  /\bfrom\s+["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /^\s*import\s+["']([^"']+)["']/gm,
];

/** Module specifiers a JavaScript or declaration file imports or requires. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...new Set(SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1])))];
}

/** The npm packages a set of files imports (by package name). */
export function packageImports(files: string[]): string[] {
  return [...new Set(files.flatMap(importsOf).filter(isPackageImport).map(packageName))].sort();
}

/**
 * Deletes the declaration files under `dir` that `entry` does not reach through relative
 * imports (the compiler emits one per source file it read; a consumer only sees the reachable
 * ones). Returns the reachable files.
 */
export function pruneDeclarations(dir: string, entry: string): string[] {
  const reached = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
      const base = resolve(dirname(file), specifier.replace(/\.js$/, ''));
      const candidate = [`${base}.d.ts`, join(base, 'index.d.ts')].find((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      });
      if (!candidate) throw new Error(`${relative(dir, file)} imports ${specifier}: not emitted`);
      queue.push(candidate);
    }
  }
  for (const file of filesUnder(dir)) if (!reached.has(file)) rmSync(file);
  removeEmptyFolders(dir);
  return [...reached];
}

function removeEmptyFolders(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeEmptyFolders(path);
  }
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}
