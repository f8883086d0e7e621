import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'dotenv';

/** Where configuration comes from; every field has a default suited to a real start. */
export interface EnvSource {
  /** Variables of the process. Default `process.env`. They win over the `.env` file. */
  env?: Record<string, string | undefined>;
  /** Folder whose `.env` is read. Default `process.cwd()`. */
  cwd?: string;
  /**
   * The dotenv file to read, or `false` for none. Default `$ENV_FILE` if set, else `{cwd}/.env`.
   * A missing default file is fine; a missing file named explicitly is not.
   */
  envFile?: string | false;
}

/** Merges the `.env` file under the process environment (process values win). */
export function readEnvironment(source: EnvSource = {}): Record<string, string | undefined> {
  const env = source.env ?? process.env;
  const cwd = source.cwd ?? process.cwd();
  const explicit = source.envFile ?? env.ENV_FILE;
  if (explicit === false) return { ...env };
  const file = explicit ? resolve(cwd, explicit) : join(cwd, '.env');
  if (!existsSync(file)) {
    if (explicit) throw new Error(`ENV_FILE: cannot read ${file}`);
    return { ...env };
  }
  return { ...parse(readFileSync(file)), ...env };
}

/** The nearest folder at or above `from` holding `nx.json`; `from` itself when there is none. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}
