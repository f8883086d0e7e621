import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The variables of a dotenv file (empty when it does not exist). */
export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/**
 * Sets `values` in the dotenv file at `path`, keeping its other lines (comments, other
 * variables) as they are; a variable given as `undefined` is removed. Returns false, and
 * leaves the file alone, when nothing changes. The file is created readable by its owner
 * only: it holds a client secret.
 */
export function mergeEnvFile(path: string, values: Record<string, string | undefined>): boolean {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const pending = new Map(Object.entries(values));
  const out = lines.flatMap((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!name || !pending.has(name)) return [line];
    const value = pending.get(name);
    if (value === undefined) return [];
    pending.delete(name);
    return [`${name}=${value}`];
  });
  for (const [name, value] of pending) if (value !== undefined) out.push(`${name}=${value}`);
  const after = `${out.join('\n')}\n`;
  if (after === before) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, after, { mode: 0o600 });
  return true;
}
