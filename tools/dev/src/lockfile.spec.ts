import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';

/**
 * `npm ci` on another platform (or a clean CI machine) refuses a lockfile in which a package's
 * optional platform binaries are missing — which happens when the registry lacks them for the
 * version resolved here. Catch it in `npm test`, not on the first fresh clone.
 */
describe('package-lock.json', () => {
  const lock = JSON.parse(
    readFileSync(join(findWorkspaceRoot(__dirname), 'package-lock.json'), 'utf8'),
  ) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
  const paths = new Set(Object.keys(lock.packages));

  /** Where npm would resolve `name` from the package at `from` (nearest node_modules up). */
  const resolves = (from: string, name: string): boolean => {
    let base = from;
    for (;;) {
      if (paths.has(`${base ? `${base}/` : ''}node_modules/${name}`)) return true;
      if (!base) return false;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut >= 0 ? base.slice(0, cut) : '';
    }
  };

  it('lists every optional (platform) dependency of every package', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!resolves(path, name)) missing.push(`${path || '(root)'} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('would notice a missing one (the check itself)', () => {
    expect(resolves('node_modules/@swc/core', '@swc/core-linux-x64-gnu')).toBe(true);
    expect(resolves('node_modules/@swc/core', '@swc/core-no-such-platform')).toBe(false);
  });
});
